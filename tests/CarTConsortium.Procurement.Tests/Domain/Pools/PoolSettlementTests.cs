using CarTConsortium.Procurement.Domain.Pools;
using Xunit;
using static CarTConsortium.Procurement.Tests.Domain.Pools.PoolSamples;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

/// <summary>Closing a pool: the fixed price, drop-outs, the minimum, the supply cap and the savings.</summary>
public sealed class PoolSettlementTests
{
    [Fact]
    public void A_pool_where_everyone_stays_orders_every_commitment_at_the_tier_of_the_total()
    {
        var settled = Settled(PoolSettlement.Settle(Terms(), [Commit("KZ", 30), Commit("UZ", 15), Commit("KG", 8)]));

        Assert.Equal(Usd(1_200m), settled.UnitPrice);
        Assert.Equal(Tier(50, 1_200m), settled.Tier);
        Assert.Equal(53, settled.KeptVolume);
        Assert.Equal(53, settled.DeliveredVolume);
        Assert.False(settled.CapBinds);
        Assert.Empty(settled.Dropped);
        Assert.Equal(["KG", "KZ", "UZ"], settled.Kept.Select(c => c.CountryCode));
        Assert.Equal([("KG", 8), ("KZ", 30), ("UZ", 15)], Allocations(settled));
        Assert.Equal(settled.Countries, settled.PurchaseOrders);
    }

    [Fact]
    public void Each_country_saves_against_the_tier_its_own_volume_reaches_alone()
    {
        var settled = Settled(PoolSettlement.Settle(Terms(), [Commit("KZ", 30), Commit("UZ", 15), Commit("KG", 8)]));

        var kg = Assert.Single(settled.Countries, c => c.CountryCode == "KG");
        var kz = Assert.Single(settled.Countries, c => c.CountryCode == "KZ");
        var uz = Assert.Single(settled.Countries, c => c.CountryCode == "UZ");
        // KG alone: 8 units in the 1-9 tier; KZ and UZ alone: in the 10-49 tier.
        Assert.Equal(Usd(1_500m), kg.AloneUnitPrice);
        Assert.Equal(new Savings(Usd(9_600m), Usd(12_000m), Usd(2_400m)), kg.Savings);
        Assert.Equal(Usd(1_350m), kz.AloneUnitPrice);
        Assert.Equal(new Savings(Usd(36_000m), Usd(40_500m), Usd(4_500m)), kz.Savings);
        Assert.Equal(new Savings(Usd(18_000m), Usd(20_250m), Usd(2_250m)), uz.Savings);
        Assert.Equal(new Savings(Usd(63_600m), Usd(72_750m), Usd(9_150m)), settled.Pool);
    }

    [Fact]
    public void Savings_keep_every_cent()
    {
        var tiers = new[] { Tier(1, 1_499.99m), Tier(10, 1_349.97m), Tier(50, 1_199.93m) };
        var terms = Terms(tiers: tiers);

        var settled = Settled(PoolSettlement.Settle(terms, [Commit("KZ", 41, terms: terms), Commit("KG", 9, terms: terms)]));

        Assert.Equal(new Savings(Usd(49_197.13m), Usd(55_348.77m), Usd(6_151.64m)), Assert.Single(settled.Countries, c => c.CountryCode == "KZ").Savings);
        Assert.Equal(new Savings(Usd(10_799.37m), Usd(13_499.91m), Usd(2_700.54m)), Assert.Single(settled.Countries, c => c.CountryCode == "KG").Savings);
        Assert.Equal(new Savings(Usd(59_996.50m), Usd(68_848.68m), Usd(8_852.18m)), settled.Pool);
        Assert.Equal(Usd(1_199.93m).Times(50), settled.Pool.Paid);
    }

    [Fact]
    public void A_country_that_reaches_the_best_tier_alone_saves_nothing()
    {
        var settled = Settled(PoolSettlement.Settle(Terms(), [Commit("KZ", 60), Commit("UZ", 5)]));

        Assert.Equal(new Savings(Usd(72_000m), Usd(72_000m), Usd(0m)), Assert.Single(settled.Countries, c => c.CountryCode == "KZ").Savings);
        Assert.Equal(new Savings(Usd(6_000m), Usd(7_500m), Usd(1_500m)), Assert.Single(settled.Countries, c => c.CountryCode == "UZ").Savings);
    }

    [Fact]
    public void A_drop_out_that_lowers_the_volume_into_a_dearer_tier_drops_another_in_turn()
    {
        // Round 1: 53 units at 1,200.00, KG's 1,150.00 is below. Round 2: 48 units at 1,350.00, UZ's 1,300.00 is below.
        // Round 3: 40 units at 1,350.00, KZ's 1,400.00 holds.
        var settled = Settled(PoolSettlement.Settle(Terms(),
            [Commit("KZ", 40, maxPrice: 1_400m), Commit("UZ", 8, maxPrice: 1_300m), Commit("KG", 5, maxPrice: 1_150m)]));

        Assert.Equal(Usd(1_350m), settled.UnitPrice);
        Assert.Equal(40, settled.KeptVolume);
        Assert.Equal(["KZ"], settled.Kept.Select(c => c.CountryCode));
        Assert.Equal(
            [
                ("KG", Usd(1_200m), 1, "max 1,150.00 USD below the price 1,200.00 USD of round 1"),
                ("UZ", Usd(1_350m), 2, "max 1,300.00 USD below the price 1,350.00 USD of round 2"),
            ],
            settled.Dropped.Select(d => (d.Commitment.CountryCode, d.PriceThen, d.Round, d.Reason)));
        Assert.Equal(new Savings(Usd(54_000m), Usd(54_000m), Usd(0m)), settled.Pool);
    }

    [Fact]
    public void A_maximum_equal_to_the_price_stays()
    {
        var settled = Settled(PoolSettlement.Settle(Terms(), [Commit("KZ", 45, maxPrice: 1_350m), Commit("UZ", 5, maxPrice: 1_200m)]));

        Assert.Equal(Usd(1_200m), settled.UnitPrice);
        Assert.Empty(settled.Dropped);
    }

    [Fact]
    public void Everyone_dropping_out_in_one_round_drops_together()
    {
        var settled = Settled(PoolSettlement.Settle(Terms(),
            [Commit("KZ", 10), Commit("UZ", 25, maxPrice: 1_199.99m), Commit("KG", 25, maxPrice: 1_000m)]));

        Assert.Equal(["KG", "UZ"], settled.Dropped.Select(d => d.Commitment.CountryCode));
        Assert.All(settled.Dropped, d => Assert.Equal(1, d.Round));
        Assert.Equal(Usd(1_350m), settled.UnitPrice);
        Assert.Equal([("KZ", 10)], Allocations(settled));
    }

    [Fact]
    public void A_cascade_through_every_tier_ends_with_one_drop_a_round()
    {
        // Twenty tiers, minimum i at 1,000 - i; twenty countries of one unit, country j accepting 1,000 - j - 0.01.
        // At v units the price is 1,000 - v, so each round drops exactly the country j = v, until one is left.
        var tiers = Enumerable.Range(1, 20).Select(i => Tier(i, 1_000m - i)).ToArray();
        var terms = Terms(minimumVolume: 1, tiers: tiers);
        var countries = ProRataTests.RandomCountries(new Random(7), 20).Order(StringComparer.Ordinal).ToArray();
        var commitments = countries.Select((c, j) => Commit(c, 1, j == 0 ? 2_000m : 1_000m - (j + 1) - 0.01m, terms)).ToArray();

        var settled = Settled(PoolSettlement.Settle(terms, commitments));

        Assert.Equal([countries[0]], settled.Kept.Select(c => c.CountryCode));
        Assert.Equal(Usd(999m), settled.UnitPrice);
        Assert.Equal(Enumerable.Range(1, 19), settled.Dropped.Select(d => d.Round));
        Assert.Equal(countries.Skip(1).Reverse(), settled.Dropped.Select(d => d.Commitment.CountryCode));
        Assert.Equal(Enumerable.Range(980, 19).Select(p => Usd(p)), settled.Dropped.Select(d => d.PriceThen));
    }

    [Fact]
    public void Below_the_minimum_at_closing_the_pool_fails_and_releases_every_commitment()
    {
        var failed = Failed(PoolSettlement.Settle(Terms(), [Commit("UZ", 5), Commit("KZ", 4)]));

        Assert.Equal(FailureReason.MinimumNotReached, failed.Reason);
        Assert.Equal("9 units committed, below the minimum of 10", failed.Description);
        Assert.Equal(9, failed.CommittedVolume);
        Assert.Equal(9, failed.KeptVolume);
        Assert.Empty(failed.Dropped);
        Assert.Equal(["KZ", "UZ"], failed.Released.Select(c => c.CountryCode));
    }

    [Fact]
    public void A_pool_without_commitments_fails()
    {
        var failed = Failed(PoolSettlement.Settle(Terms(minimumVolume: 1), []));

        Assert.Equal(FailureReason.MinimumNotReached, failed.Reason);
        Assert.Empty(failed.Released);
    }

    [Fact]
    public void Exactly_the_minimum_goes_ahead()
    {
        var settled = Settled(PoolSettlement.Settle(Terms(), [Commit("UZ", 5), Commit("KZ", 5)]));

        Assert.Equal(Usd(1_350m), settled.UnitPrice);
        Assert.Equal(10, settled.DeliveredVolume);
    }

    [Fact]
    public void A_pool_that_falls_below_the_minimum_after_drop_outs_fails_and_releases_every_commitment()
    {
        var failed = Failed(PoolSettlement.Settle(Terms(minimumVolume: 45),
            [Commit("KZ", 40, maxPrice: 1_400m), Commit("UZ", 8, maxPrice: 1_300m), Commit("KG", 5, maxPrice: 1_150m)]));

        Assert.Equal(FailureReason.MinimumNotReachedAfterDropOuts, failed.Reason);
        Assert.Equal("40 units left after drop-outs (of 53 committed), below the minimum of 45", failed.Description);
        Assert.Equal((53, 40), (failed.CommittedVolume, failed.KeptVolume));
        Assert.Equal(
            [
                ("KG", "max 1,150.00 USD below the price 1,200.00 USD of round 1"),
                ("UZ", "max 1,300.00 USD below the price 1,350.00 USD of round 2"),
            ],
            failed.Dropped.Select(d => (d.Commitment.CountryCode, d.Reason)));
        Assert.Equal(["KG", "KZ", "UZ"], failed.Released.Select(c => c.CountryCode));
    }

    [Fact]
    public void A_pool_everyone_drops_out_of_fails()
    {
        var failed = Failed(PoolSettlement.Settle(Terms(), [Commit("KZ", 20, maxPrice: 1_000m)]));

        Assert.Equal(FailureReason.MinimumNotReachedAfterDropOuts, failed.Reason);
        Assert.Equal(0, failed.KeptVolume);
        Assert.Single(failed.Dropped);
    }

    [Fact]
    public void A_binding_cap_prices_at_the_cap_and_shares_it_pro_rata()
    {
        var settled = Settled(PoolSettlement.Settle(Terms(supplyCap: 50), [Commit("KZ", 30), Commit("UZ", 20), Commit("KG", 10)]));

        Assert.True(settled.CapBinds);
        Assert.Equal((60, 50), (settled.KeptVolume, settled.DeliveredVolume));
        Assert.Equal(Usd(1_200m), settled.UnitPrice);
        // 25 r 0, 16 r 40/60, 8 r 20/60: the one unit left goes to UZ.
        Assert.Equal([("KG", 8), ("KZ", 25), ("UZ", 17)], Allocations(settled));
        Assert.Equal(new Savings(Usd(9_600m), Usd(12_000m), Usd(2_400m)), settled.Countries[0].Savings);
        Assert.Equal(new Savings(Usd(30_000m), Usd(33_750m), Usd(3_750m)), settled.Countries[1].Savings);
        Assert.Equal(new Savings(Usd(20_400m), Usd(22_950m), Usd(2_550m)), settled.Countries[2].Savings);
        Assert.Equal(new Savings(Usd(60_000m), Usd(68_700m), Usd(8_700m)), settled.Pool);
    }

    [Fact]
    public void A_cap_below_a_tier_keeps_the_pool_out_of_it_and_can_drop_a_commitment()
    {
        // 60 committed, but only 40 delivered: the price is the 10-49 tier's, and UZ's 1,300.00 is below it.
        var settled = Settled(PoolSettlement.Settle(Terms(supplyCap: 40), [Commit("KZ", 30), Commit("UZ", 20, maxPrice: 1_300m), Commit("KG", 10)]));

        Assert.Equal(Usd(1_350m), settled.UnitPrice);
        Assert.Equal(["UZ"], settled.Dropped.Select(d => d.Commitment.CountryCode));
        // 40 committed are left, exactly the cap: it no longer binds.
        Assert.False(settled.CapBinds);
        Assert.Equal([("KG", 10), ("KZ", 30)], Allocations(settled));
    }

    [Theory]
    [InlineData(60)]
    [InlineData(61)]
    [InlineData(1_000)]
    public void A_cap_at_or_above_the_total_does_not_bind(int cap)
    {
        var settled = Settled(PoolSettlement.Settle(Terms(supplyCap: cap), [Commit("KZ", 30), Commit("UZ", 20), Commit("KG", 10)]));

        Assert.False(settled.CapBinds);
        Assert.Equal([("KG", 10), ("KZ", 30), ("UZ", 20)], Allocations(settled));
    }

    [Fact]
    public void A_cap_of_one_unit_orders_from_one_country_only()
    {
        var settled = Settled(PoolSettlement.Settle(Terms(minimumVolume: 1, supplyCap: 1), [Commit("KG", 1), Commit("KZ", 3), Commit("UZ", 2)]));

        Assert.Equal([("KG", 0), ("KZ", 1), ("UZ", 0)], Allocations(settled));
        Assert.Equal(Usd(1_500m), settled.UnitPrice);
        var order = Assert.Single(settled.PurchaseOrders);
        Assert.Equal("KZ", order.CountryCode);
        Assert.Equal(new Savings(Usd(1_500m), Usd(1_500m), Usd(0m)), order.Savings);
        var none = Assert.Single(settled.Countries, c => c.CountryCode == "KG");
        Assert.Null(none.AloneUnitPrice);
        Assert.Equal(Savings.Zero(Currency), none.Savings);
        Assert.Equal(3, settled.Kept.Count);
    }

    [Fact]
    public void An_order_carries_the_countrys_delivery_institution_and_budget_reference()
    {
        var settled = Settled(PoolSettlement.Settle(Terms(), [Commit("KZ", 30)]));

        var order = Assert.Single(settled.PurchaseOrders);
        Assert.Equal("kz-central-hospital", order.Commitment.DeliveryInstitutionId);
        Assert.Equal("KZ-2026-CART-01", order.Commitment.BudgetReference);
    }

    [Fact]
    public void Two_commitments_of_one_country_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PoolSettlement.Settle(Terms(), [Commit("KZ", 30), Commit("UZ", 5), Commit("KZ", 3)]));
    }

    [Fact]
    public void A_commitment_made_for_a_pool_in_another_currency_is_refused()
    {
        var euro = PoolTerms.Check(Item, Supplier, "EUR", [Tier(1, 1_000m, "EUR")], OpensAt, ClosesAt, 1, null);
        var inEuro = Commitment.Check(euro, "KZ", 3, new Money(1_000m, "EUR"), "kz-rcch-almaty", "KZ-1");

        Assert.Throws<ArgumentException>(() => PoolSettlement.Settle(Terms(), [Commit("UZ", 30), inEuro]));
    }

    [Fact]
    public void Over_many_generated_pools_the_settlement_keeps_its_rules()
    {
        var random = new Random(20260402);
        var tiers = ThreeTiers();
        for (var run = 0; run < 1_500; run++)
        {
            var cap = random.Next(3) == 0 ? (int?)null : random.Next(10, 120);
            var terms = Terms(minimumVolume: 10, supplyCap: cap);
            var commitments = ProRataTests.RandomCountries(random, random.Next(0, 9))
                .Select(c => Commit(c, random.Next(1, 40), tiers[random.Next(3)].UnitPrice.Amount + random.Next(-1, 2) * 0.01m, terms))
                .ToArray();

            var result = PoolSettlement.Settle(terms, commitments);

            var droppedCodes = result switch
            {
                SettlementResult.Settled s => s.Dropped.Select(d => d.Commitment.CountryCode),
                SettlementResult.Failed f => f.Dropped.Select(d => d.Commitment.CountryCode),
                _ => throw new InvalidOperationException(),
            };
            Assert.Equal(droppedCodes.Count(), droppedCodes.Distinct().Count());
            if (result is SettlementResult.Failed failed)
            {
                Assert.True(failed.KeptVolume < terms.MinimumVolume);
                Assert.Equal(commitments.Length, failed.Released.Count);
                continue;
            }
            var settled = Settled(result);
            Assert.Equal(commitments.Length, settled.Kept.Count + settled.Dropped.Count);
            Assert.Equal(Math.Min(settled.KeptVolume, cap ?? int.MaxValue), settled.DeliveredVolume);
            Assert.Equal(settled.DeliveredVolume, settled.Countries.Sum(c => c.Allocated));
            Assert.Equal(terms.Tiers.PriceAt(settled.DeliveredVolume), settled.UnitPrice);
            Assert.All(settled.Kept, c => Assert.True(c.MaxUnitPrice >= settled.UnitPrice));
            Assert.All(settled.Dropped, d => Assert.True(d.Commitment.MaxUnitPrice < d.PriceThen && d.PriceThen <= settled.UnitPrice));
            Assert.All(settled.Countries, c => Assert.InRange(c.Allocated, 0, c.Commitment.Quantity));
            Assert.All(settled.Countries, c => Assert.True(c.Savings.Saving.Amount >= 0m));
            Assert.Equal(settled.UnitPrice.Times(settled.DeliveredVolume), settled.Pool.Paid);
            Assert.Equal(settled.Pool.Alone - settled.Pool.Paid, settled.Pool.Saving);
        }
    }
}
