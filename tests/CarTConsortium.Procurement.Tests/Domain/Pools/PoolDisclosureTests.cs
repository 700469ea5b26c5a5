using CarTConsortium.Procurement.Domain.Pools;
using Xunit;
using static CarTConsortium.Procurement.Tests.Domain.Pools.PoolSamples;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

/// <summary>
/// The range an officer sees of a pool too few countries have committed to, and the drop-out
/// reason of a cascade (issue 15, failures 4 and 11). Tiers: 1 at 1,500, 10 at 1,350, 50 at 1,200.
/// </summary>
public sealed class PoolDisclosureTests
{
    private static readonly PriceTiers Tiers = Terms().Tiers;

    private static PoolCommitment Committed(string country, int quantity) =>
        new(country, quantity, Usd(2_000m), $"{country.ToLowerInvariant()}-centre", "budget", 1, "officer", OpensAt);

    [Fact]
    public void For_every_own_and_other_quantity_the_range_is_the_others_tier_band_shifted_by_ones_own_quantity()
    {
        for (var own = 0; own <= 60; own++)
        {
            for (var other = 1; other <= 60; other++)
            {
                var commitments = own == 0 ? new[] { Committed("UZ", other) } : [Committed("KZ", own), Committed("UZ", other)];

                var range = PoolDisclosure.RangeFor(Tiers, commitments, "KZ");

                var (low, high) = other switch { < 10 => (1, (int?)9), < 50 => (10, 49), _ => (50, (int?)null) };
                Assert.Equal(new VolumeRange(own + low, own + high), range);
                Assert.InRange(own + other, range.AtLeast, range.AtMost ?? int.MaxValue);
            }
        }
    }

    [Fact]
    public void Two_other_quantities_in_one_tier_band_look_the_same_to_the_officer()
    {
        Assert.Equal(PoolDisclosure.RangeFor(Tiers, [Committed("KZ", 7), Committed("UZ", 11)], "KZ"),
            PoolDisclosure.RangeFor(Tiers, [Committed("KZ", 7), Committed("UZ", 48)], "KZ"));
    }

    [Fact]
    public void With_nobody_else_committed_the_range_is_ones_own_quantity()
    {
        Assert.Equal(new VolumeRange(12, 12), PoolDisclosure.RangeFor(Tiers, [Committed("KZ", 12)], "KZ"));
        Assert.Equal(new VolumeRange(0, 0), PoolDisclosure.RangeFor(Tiers, [], "KZ"));
    }

    [Fact]
    public void A_reader_of_no_country_sees_the_band_of_the_whole_total()
    {
        Assert.Equal(new VolumeRange(10, 49), PoolDisclosure.RangeFor(Tiers, [Committed("KZ", 12), Committed("UZ", 20)], null));
    }

    [Theory]
    [InlineData(1, 0, false)]
    [InlineData(1, 1, true)]
    [InlineData(3, 2, false)]
    [InlineData(3, 3, true)]
    [InlineData(3, 4, true)]
    public void An_officer_sees_exact_totals_only_from_the_disclosure_number_of_countries(int disclosure, int countries, bool exact)
    {
        Assert.Equal(exact, new PoolViewer("KZ", false, disclosure).SeesExactTotals(countries));
        Assert.True(PoolViewer.Everything.SeesExactTotals(countries));
    }

    [Fact]
    public void A_drop_out_reason_in_a_cascade_quotes_the_price_of_its_own_round_not_the_final_price()
    {
        // Round 1: 53 units at 1,200.00 drops KG (1,150.00). Round 2: 48 units at 1,350.00 drops UZ. The pool settles at 1,350.00.
        var settled = Settled(PoolSettlement.Settle(Terms(),
            [Commit("KZ", 40, maxPrice: 1_400m), Commit("UZ", 8, maxPrice: 1_300m), Commit("KG", 5, maxPrice: 1_150m)]));

        var kg = Assert.Single(settled.Dropped, d => d.Commitment.CountryCode == "KG");
        Assert.Equal("max 1,150.00 USD below the price 1,200.00 USD of round 1", kg.Reason);
        Assert.DoesNotContain(settled.UnitPrice.ToString(), kg.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("units", kg.Reason, StringComparison.Ordinal);
    }
}
