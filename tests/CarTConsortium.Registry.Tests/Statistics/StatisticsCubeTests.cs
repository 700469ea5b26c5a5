using CarTConsortium.Registry.Domain.Statistics;
using Xunit;

namespace CarTConsortium.Registry.Tests.Statistics;

public sealed class StatisticsCubeTests
{
    private static readonly HashSet<Dimension> NoGrouping = [];

    //                    nexcar19         kymriah
    //                  2023   2024      2023   2024
    //   KZ               6      8         2      7
    //   UZ               9      5         -      6
    private static readonly Leaf[] Leaves =
    [
        new("KZ", "nexcar19", 2023, 6), new("KZ", "nexcar19", 2024, 8), new("KZ", "kymriah", 2023, 2), new("KZ", "kymriah", 2024, 7),
        new("UZ", "nexcar19", 2023, 9), new("UZ", "nexcar19", 2024, 5), new("UZ", "kymriah", 2024, 6),
    ];

    private static readonly List<CaseSummary> Cases = Cubes.Cases(Leaves);

    private static readonly StatisticsCube Cube = StatisticsCube.Build(Cases);

    [Fact]
    public void Every_combination_with_a_patient_is_a_cell_at_all_8_levels()
    {
        Assert.Equal(Cubes.Counts(Leaves).Keys.Order(CellKey.Order), Cube.Cells.Select(c => c.Key));
        Assert.Null(Cube.Find(new CellKey("UZ", "kymriah", 2023)));
    }

    [Fact]
    public void A_shown_cell_has_the_measures_of_its_patients()
    {
        var cell = Cube.Find(new CellKey("KZ", null, 2024));

        Assert.NotNull(cell);
        Assert.False(cell.Suppressed);
        Assert.Equal(GroupMeasures.Of([.. Cases.Where(c => c.Country == "KZ" && c.FirstInfusion.Year == 2024)]), cell.Measures);
        Assert.Equal(15, cell.Measures!.PatientsInfused);
    }

    [Fact]
    public void The_whole_consortium_is_the_cell_with_all_in_every_dimension()
    {
        Assert.Equal(GroupMeasures.Of(Cases), Cube.Find(CellKey.All)!.Measures);
    }

    [Fact]
    public void A_suppressed_cell_exposes_no_figures()
    {
        var small = Cube.Find(new CellKey("KZ", "kymriah", 2023))!;

        Assert.Equal((true, SuppressionReason.SmallCell, (GroupMeasures?)null), (small.Suppressed, small.Suppression, small.Measures));
        Assert.All(Cube.Cells, cell => Assert.Equal(cell.Suppressed, cell.Measures is null));
    }

    [Fact]
    public void The_small_cell_takes_complementary_cells_with_it()
    {
        // KZ 2023 row across products: kymriah 2 is small, so nexcar19 (6) goes too; the kymriah
        // 2024/2023 line of KZ then loses its 2024 cell (7), and so on to a fixpoint.
        Assert.Equal(SuppressionReason.Complementary, Cube.Find(new CellKey("KZ", "nexcar19", 2023))!.Suppression);
        CellSuppressionTests.AssertProtected(Cubes.Counts(Leaves), Cube.Cells.ToDictionary(c => c.Key, c => c.Suppression));
    }

    [Fact]
    public void With_no_grouping_and_no_filter_the_one_cell_is_the_total()
    {
        var slice = Cube.Slice(NoGrouping, null, null, null);

        Assert.Equal(Cube.Find(CellKey.All), slice.Total);
        Assert.Equal([slice.Total], slice.Cells);
        Assert.Equal(43, slice.Total.Measures!.PatientsInfused);
    }

    [Fact]
    public void Grouping_by_a_dimension_gives_each_of_its_values_with_all_in_the_others()
    {
        var slice = Cube.Slice(new HashSet<Dimension> { Dimension.Country }, null, null, null);

        Assert.Equal([new CellKey("KZ", null, null), new CellKey("UZ", null, null)], slice.Cells.Select(c => c.Key));
        Assert.Equal([23, 20], slice.Cells.Select(c => c.Measures!.PatientsInfused));
        Assert.Equal(CellKey.All, slice.Total.Key);
    }

    [Fact]
    public void A_filter_fixes_its_dimension_in_the_cells_and_in_the_total()
    {
        var slice = Cube.Slice(new HashSet<Dimension> { Dimension.Country, Dimension.Year }, null, "kymriah", null);

        Assert.Equal(
            [new CellKey("KZ", "kymriah", 2023), new CellKey("KZ", "kymriah", 2024), new CellKey("UZ", "kymriah", 2024)],
            slice.Cells.Select(c => c.Key));
        Assert.Equal(new CellKey(null, "kymriah", null), slice.Total.Key);
        Assert.Equal(15, slice.Total.Measures!.PatientsInfused);
    }

    [Fact]
    public void A_dimension_both_grouped_and_filtered_is_fixed_to_the_filter()
    {
        var slice = Cube.Slice(new HashSet<Dimension> { Dimension.Country, Dimension.Product }, "UZ", null, 2024);

        Assert.Equal([new CellKey("UZ", "kymriah", 2024), new CellKey("UZ", "nexcar19", 2024)], slice.Cells.Select(c => c.Key));
        Assert.Equal(new CellKey("UZ", null, 2024), slice.Total.Key);
    }

    [Theory]
    [InlineData("TJ", null, null)]
    [InlineData(null, "tisagenlecleucel", null)]
    [InlineData(null, null, 2019)]
    [InlineData("UZ", "kymriah", 2023)]
    public void A_filter_without_patients_gives_no_cells_and_an_unsuppressed_total_of_nobody(string? country, string? product, int? year)
    {
        var slice = Cube.Slice(new HashSet<Dimension> { Dimension.Country, Dimension.Product, Dimension.Year }, country, product, year);

        Assert.Empty(slice.Cells);
        Assert.Equal(StatisticsCell.Shown(new CellKey(country, product, year), GroupMeasures.None), slice.Total);
    }

    [Fact]
    public void An_empty_registry_gives_an_empty_cube_and_a_total_of_nobody()
    {
        var cube = StatisticsCube.Build([]);

        Assert.Empty(cube.Cells);
        Assert.Equal(StatisticsCell.Shown(CellKey.All, GroupMeasures.None), cube.Slice(NoGrouping, null, null, null).Total);
    }

    [Fact]
    public void A_hidden_total_stays_hidden_in_its_slice()
    {
        var slice = Cube.Slice(NoGrouping, "KZ", "kymriah", 2023);

        Assert.Equal(SuppressionReason.SmallCell, slice.Total.Suppression);
        Assert.Null(slice.Total.Measures);
    }

    [Fact]
    public void Every_slice_shows_a_cell_the_same_way()
    {
        AssertSlicesConsistent(Cube, Leaves);
    }

    [Fact]
    public void Random_registries_are_protected_and_consistent_in_every_slice()
    {
        var random = new Random(1959963);
        for (var i = 0; i < 150; i++)
        {
            var leaves = Cubes.RandomLeaves(random);
            var counts = Cubes.Counts(leaves);

            var cube = StatisticsCube.Build(Cubes.Cases(leaves));

            CellSuppressionTests.AssertProtected(counts, cube.Cells.ToDictionary(c => c.Key, c => c.Suppression));
            Assert.All(cube.Cells, cell => Assert.Equal(cell.Suppressed ? null : counts[cell.Key], cell.Measures?.PatientsInfused));
            AssertSlicesConsistent(cube, leaves);
        }
    }

    /// <summary>
    /// Every grouping under every filter (none, or each value present, or one absent): each cell is the
    /// cube's own, so a cell hidden in one table is hidden in every table that shows its key.
    /// </summary>
    private static void AssertSlicesConsistent(StatisticsCube cube, IReadOnlyCollection<Leaf> leaves)
    {
        string?[] countries = [null, "XX", .. leaves.Select(l => l.Country).Distinct()];
        string?[] products = [null, "none", .. leaves.Select(l => l.Product).Distinct()];
        int?[] years = [null, 1999, .. leaves.Select(l => (int?)l.Year).Distinct()];
        var seen = new Dictionary<CellKey, StatisticsCell>();
        foreach (var groupBy in Groupings())
        {
            foreach (var country in countries)
            {
                foreach (var product in products)
                {
                    foreach (var year in years)
                    {
                        var slice = cube.Slice(groupBy, country, product, year);
                        foreach (var cell in slice.Cells.Append(slice.Total))
                        {
                            if (!seen.TryAdd(cell.Key, cell))
                            {
                                Assert.Equal(seen[cell.Key], cell);
                            }

                            Assert.Equal(cube.Find(cell.Key) ?? StatisticsCell.Shown(cell.Key, GroupMeasures.None), cell);
                        }

                        Assert.Equal(slice.Cells.OrderBy(c => c.Key, CellKey.Order), slice.Cells);
                    }
                }
            }
        }
    }

    private static IEnumerable<HashSet<Dimension>> Groupings() =>
        Enumerable.Range(0, 8).Select(mask => CellKey.Dimensions.Where((_, i) => (mask & (1 << i)) != 0).ToHashSet());
}
