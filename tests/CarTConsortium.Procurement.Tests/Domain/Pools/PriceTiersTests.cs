using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Procurement.Domain.Pools;
using Xunit;
using static CarTConsortium.Procurement.Tests.Domain.Pools.PoolSamples;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

public sealed class PriceTiersTests
{
    private static readonly PriceTiers Tiers = PriceTiers.Check(Currency, ThreeTiers());

    [Theory]
    [InlineData(1, 1_500)]
    [InlineData(2, 1_500)]
    [InlineData(9, 1_500)]
    [InlineData(10, 1_350)]
    [InlineData(11, 1_350)]
    [InlineData(49, 1_350)]
    [InlineData(50, 1_200)]
    [InlineData(51, 1_200)]
    [InlineData(int.MaxValue, 1_200)]
    public void Every_unit_costs_the_price_of_the_last_tier_whose_minimum_the_volume_reaches(int volume, int price)
    {
        Assert.Equal(Usd(price), Tiers.PriceAt(volume));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(10, 1)]
    [InlineData(50, 2)]
    public void Exactly_each_minimum_reaches_its_own_tier(int minimum, int index)
    {
        Assert.Same(Tiers.Tiers[index], Tiers.TierAt(minimum));
        if (index > 0)
        {
            Assert.Same(Tiers.Tiers[index - 1], Tiers.TierAt(minimum - 1));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void No_volume_has_no_price(int volume)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tiers.PriceAt(volume));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(9, 10)]
    [InlineData(10, 50)]
    [InlineData(49, 50)]
    public void The_next_tier_is_the_first_above_the_volume(int volume, int nextMinimum)
    {
        Assert.Equal(nextMinimum, Tiers.NextAbove(volume)?.MinQuantity);
    }

    [Fact]
    public void Above_the_best_tier_there_is_no_next()
    {
        Assert.Null(Tiers.NextAbove(50));
    }

    [Fact]
    public void A_single_tier_prices_every_volume_alike_and_equal_prices_in_a_row_are_allowed()
    {
        var single = PriceTiers.Check("JPY", [Tier(1, 180_000m, "JPY")]);
        var flat = PriceTiers.Check(Currency, [Tier(1, 10m), Tier(5, 10m), Tier(20, 9.99m)]);

        Assert.Equal(new Money(180_000m, "JPY"), single.PriceAt(1_000_000));
        Assert.Equal(Usd(10m), flat.PriceAt(19));
        Assert.Equal(Usd(9.99m), flat.PriceAt(20));
    }

    [Fact]
    public void The_tiers_are_a_copy_of_what_was_checked()
    {
        var proposed = ThreeTiers();
        var tiers = PriceTiers.Check(Currency, proposed);

        proposed[0] = Tier(1, 9_999m);

        Assert.Equal(Usd(1_500m), tiers.PriceAt(1));
        Assert.Equal(Currency, tiers.Currency);
    }

    private static readonly SingleRuleCases<PriceTier[]> Cases = new(ThreeTiers(), Violations)
    {
        ["no tiers"] = (_ => [], "price_tiers"),
        ["too many tiers"] = (_ => [.. Enumerable.Range(1, PriceTiers.MaxTiers + 1).Select(i => Tier(i, 100m))], "price_tiers"),
        ["a tier missing"] = (t => With(t, 1, null!), "price_tiers[1]"),
        ["first minimum 2"] = (t => With(t, 0, Tier(2, 1_500m)), "price_tiers[0].min_quantity"),
        ["first minimum 0"] = (t => With(t, 0, Tier(0, 1_500m)), "price_tiers[0].min_quantity"),
        ["minimum repeated"] = (t => With(t, 1, Tier(1, 1_350m)), "price_tiers[1].min_quantity"),
        ["minimum falling"] = (t => With(t, 2, Tier(9, 1_200m)), "price_tiers[2].min_quantity"),
        ["price missing"] = (t => With(t, 1, new PriceTier(10, null!)), "price_tiers[1].unit_price"),
        ["price zero"] = (t => With(t, 2, Tier(50, 0m)), "price_tiers[2].unit_price"),
        ["price negative"] = (t => With(t, 2, Tier(50, -1m)), "price_tiers[2].unit_price"),
        ["price rising"] = (t => With(t, 1, Tier(10, 1_500.01m)), "price_tiers[1].unit_price"),
        ["price of three decimals"] = (t => With(t, 1, Tier(10, 1_350.005m)), "price_tiers[1].unit_price"),
        ["price above the most"] = (t => [Tier(1, Money.MaxUnitPrice + 1m)], "price_tiers[0].unit_price"),
        ["a tier in another currency"] = (t => With(t, 1, Tier(10, 1_350m, "EUR")), "price_tiers[1].unit_price.currency_code"),
    };

    public static TheoryData<string> SingleRuleCaseNames => Cases.Names;

    [Theory]
    [MemberData(nameof(SingleRuleCaseNames))]
    public void Each_broken_rule_alone_is_reported_on_its_field_only(string name) => Cases.AssertReportedOnItsFieldOnly(name);

    [Fact]
    public void The_violations_say_what_is_wrong()
    {
        var violations = Violations([Tier(1, 1_500m), Tier(1, 1_600m), Tier(50, 1_200m, "EUR")]);

        Assert.Equal(
            [
                new FieldViolation("price_tiers[1].min_quantity", "must be greater than the previous tier's (1)"),
                new FieldViolation("price_tiers[1].unit_price", "must not be higher than the previous tier's (1,500.00 USD)"),
                new FieldViolation("price_tiers[2].unit_price.currency_code", "must be USD, the pool's currency"),
            ],
            violations);
    }

    [Fact]
    public void Minor_digits_follow_the_currency()
    {
        Assert.Equal(new Money(1_350.125m, "KWD"), PriceTiers.Check("KWD", [Tier(1, 1_350.125m, "KWD")]).PriceAt(1));
        var yen = Assert.Throws<InvalidArgumentException>(() => PriceTiers.Check("JPY", [Tier(1, 180_000.5m, "JPY")]));
        Assert.Equal(new FieldViolation("price_tiers[0].unit_price", "must have at most 0 decimal places, as JPY has"), Assert.Single(yen.Violations));
    }

    [Fact]
    public void An_unknown_currency_is_reported_once_on_the_currency()
    {
        var violations = Assert.Throws<InvalidArgumentException>(() =>
            PriceTiers.Check("XYZ", [Tier(1, 1_500.555m, "XYZ")])).Violations;

        Assert.Equal("currency", Assert.Single(violations).Field);
    }

    private static IReadOnlyList<FieldViolation> Violations(PriceTier[] tiers) =>
        Assert.Throws<InvalidArgumentException>(() => PriceTiers.Check(Currency, tiers)).Violations;

    private static PriceTier[] With(PriceTier[] tiers, int index, PriceTier tier)
    {
        var changed = tiers.ToArray();
        changed[index] = tier;
        return changed;
    }
}
