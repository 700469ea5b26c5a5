using CarTConsortium.Registry.Domain.Statistics;
using Xunit;

namespace CarTConsortium.Registry.Tests.Statistics;

public sealed class CellKeyTests
{
    [Fact]
    public void Keys_order_by_country_product_and_year_with_all_after_the_values()
    {
        CellKey[] ordered =
        [
            new("KZ", "kymriah", 2023),
            new("KZ", "kymriah", 2024),
            new("KZ", "kymriah", null),
            new("KZ", "nexcar19", 2023),
            new("KZ", null, 2023),
            new("KZ", null, null),
            new("UZ", "kymriah", 2023),
            new(null, "kymriah", 2023),
            new(null, "kymriah", null),
            new(null, null, 2023),
            CellKey.All,
        ];

        Assert.Equal(ordered, ordered.Reverse().Order(CellKey.Order));
        Assert.Equal(ordered, ordered.OrderBy(k => k.GetHashCode()).Order(CellKey.Order));
    }

    [Fact]
    public void Product_ids_compare_ordinally()
    {
        Assert.True(CellKey.Order.Compare(new("KZ", "Z-upper", null), new("KZ", "a-lower", null)) < 0);
    }

    [Fact]
    public void A_case_counts_in_the_8_cells_of_its_country_product_and_year_or_all()
    {
        var patient = new CaseSummary("KZ", "nexcar19", new DateOnly(2024, 12, 31), null, null, false, 0, 0, null, null, new DateOnly(2025, 1, 1));

        Assert.Equal(
            [
                new CellKey("KZ", "nexcar19", 2024), new CellKey("KZ", "nexcar19", null), new CellKey("KZ", null, 2024), new CellKey("KZ", null, null),
                new CellKey(null, "nexcar19", 2024), new CellKey(null, "nexcar19", null), new CellKey(null, null, 2024), CellKey.All,
            ],
            CellKey.CellsOf(patient).Order(CellKey.Order));
    }

    [Theory]
    [InlineData(Dimension.Country)]
    [InlineData(Dimension.Product)]
    [InlineData(Dimension.Year)]
    public void Widening_a_dimension_makes_it_all_and_leaves_the_others(Dimension dimension)
    {
        var key = new CellKey("KZ", "nexcar19", 2024);

        var wider = key.WithAll(dimension);

        Assert.All(CellKey.Dimensions, d => Assert.Equal(d == dimension, wider.IsAll(d)));
        Assert.False(key.IsAll(dimension));
    }
}
