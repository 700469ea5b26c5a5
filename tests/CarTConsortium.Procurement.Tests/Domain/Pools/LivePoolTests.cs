using CarTConsortium.Procurement.Domain.Pools;
using Xunit;
using static CarTConsortium.Procurement.Tests.Domain.Pools.PoolSamples;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

/// <summary>What officers see of an open pool.</summary>
public sealed class LivePoolTests
{
    [Fact]
    public void An_empty_pool_has_no_price_yet_and_shows_the_first_tier()
    {
        var view = LivePool.View(Terms(), []);

        Assert.Equal((0, 0), (view.CommittedVolume, view.Volume));
        Assert.Null(view.Tier);
        Assert.Null(view.UnitPrice);
        Assert.Equal("1 more unit reaches 1,500.00 USD", view.Next?.ToString());
        Assert.Equal(10, view.UnitsToMinimum);
        Assert.False(view.MinimumReached);
    }

    [Fact]
    public void The_live_total_shows_its_tier_price_and_how_far_the_next_is()
    {
        var view = LivePool.View(Terms(), [Commit("KZ", 2), Commit("UZ", 1)]);

        Assert.Equal(3, view.CommittedVolume);
        Assert.Equal(Usd(1_500m), view.UnitPrice);
        Assert.Equal(new NextTier(Tier(10, 1_350m), 7), view.Next);
        Assert.Equal("7 more units reach 1,350.00 USD", view.Next?.ToString());
        Assert.Equal(7, view.UnitsToMinimum);
    }

    [Theory]
    [InlineData(9, 1_500, "1 more unit reaches 1,350.00 USD")]
    [InlineData(10, 1_350, "40 more units reach 1,200.00 USD")]
    [InlineData(49, 1_350, "1 more unit reaches 1,200.00 USD")]
    [InlineData(50, 1_200, null)]
    [InlineData(400, 1_200, null)]
    public void At_each_boundary_the_price_and_the_next_tier_change(int volume, int price, string? next)
    {
        var view = LivePool.View(Terms(), [Commit("KZ", volume)]);

        Assert.Equal(Usd(price), view.UnitPrice);
        Assert.Equal(next, view.Next?.ToString());
        Assert.Equal(volume >= 10, view.MinimumReached);
    }

    [Fact]
    public void A_cap_limits_the_volume_priced_and_hides_tiers_beyond_it()
    {
        var capped = LivePool.View(Terms(supplyCap: 40), [Commit("KZ", 45), Commit("UZ", 15)]);
        var below = LivePool.View(Terms(supplyCap: 50), [Commit("KZ", 45)]);

        Assert.Equal((60, 40), (capped.CommittedVolume, capped.Volume));
        Assert.Equal(Usd(1_350m), capped.UnitPrice);
        Assert.Null(capped.Next);
        Assert.Equal("5 more units reach 1,200.00 USD", below.Next?.ToString());
    }

    [Fact]
    public void The_live_price_counts_everyone_as_committed_before_any_drop_out()
    {
        var view = LivePool.View(Terms(), [Commit("KZ", 45, maxPrice: 1_350m), Commit("UZ", 5, maxPrice: 1_000m)]);

        Assert.Equal(Usd(1_200m), view.UnitPrice);
    }

    [Fact]
    public void Two_commitments_of_one_country_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LivePool.View(Terms(), [Commit("KZ", 3), Commit("KZ", 4)]));
    }
}
