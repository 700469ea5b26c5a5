using System.Globalization;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Procurement.Tenders;
using Xunit;

namespace CarTConsortium.Procurement.Tests;

public sealed class TenderRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    /// <summary>Everything a caller sends to open a tender.</summary>
    private sealed record Draft(string Item, string Unit, ProposedTier[] Tiers, DateTimeOffset? ClosesAt);

    private static readonly Draft Valid = new("Lentiviral vector lot", "lot",
        [Tier(1, 100), Tier(10, 90), Tier(50, 80, 500_000_000)], Now.AddDays(30));

    // Each case breaks exactly one rule of the valid draft, and names the one field that must be reported.
    private static readonly Dictionary<string, (Func<Draft, Draft> Break, string Field)> Cases = new()
    {
        ["item empty"] = (d => d with { Item = "" }, "item"),
        ["item blank"] = (d => d with { Item = "   " }, "item"),
        ["item over 200"] = (d => d with { Item = new string('x', 201) }, "item"),
        ["unit empty"] = (d => d with { Unit = "" }, "unit"),
        ["unit over 40"] = (d => d with { Unit = new string('x', 41) }, "unit"),
        ["no tiers"] = (d => d with { Tiers = [] }, "price_tiers"),
        ["eleven tiers"] = (d => d with { Tiers = [.. Enumerable.Range(1, 11).Select(i => Tier(i, 200 - i))] }, "price_tiers"),
        ["min quantity 0"] = (d => WithTier(d, 0, Tier(0, 100)), "price_tiers[0].min_quantity"),
        ["min quantity negative"] = (d => WithTier(d, 1, Tier(-10, 90)), "price_tiers[1].min_quantity"),
        ["min quantity repeated"] = (d => WithTier(d, 1, Tier(1, 90)), "price_tiers[1].min_quantity"),
        ["min quantity falling"] = (d => WithTier(d, 2, Tier(5, 80)), "price_tiers[2].min_quantity"),
        ["unit price missing"] = (d => WithTier(d, 1, new ProposedTier(10, null)), "price_tiers[1].unit_price"),
        ["unit price 0"] = (d => WithTier(d, 0, Tier(1, 0)), "price_tiers[0].unit_price"),
        ["unit price negative"] = (d => WithTier(d, 2, Tier(50, -80)), "price_tiers[2].unit_price"),
        ["unit price negative nanos only"] = (d => WithTier(d, 2, Tier(50, 0, -1)), "price_tiers[2].unit_price"),
        ["unit price repeated"] = (d => WithTier(d, 1, Tier(10, 100)), "price_tiers[1].unit_price"),
        ["unit price rising"] = (d => WithTier(d, 2, Tier(50, 90, 1)), "price_tiers[2].unit_price"),
        ["currency lower case"] = (d => WithTier(d, 0, Tier(1, 100, currency: "usd")), "price_tiers[0].unit_price.currency_code"),
        ["currency of four letters"] = (d => WithTier(d, 1, Tier(10, 90, currency: "USDX")), "price_tiers[1].unit_price.currency_code"),
        ["currency empty"] = (d => WithTier(d, 2, Tier(50, 80, currency: "")), "price_tiers[2].unit_price.currency_code"),
        ["currency mixed"] = (d => WithTier(d, 2, Tier(50, 80, currency: "EUR")), "price_tiers[2].unit_price.currency_code"),
        ["nanos over range"] = (d => WithTier(d, 0, Tier(1, 100, 1_000_000_000)), "price_tiers[0].unit_price.nanos"),
        ["nanos under range"] = (d => WithTier(d, 0, Tier(1, 0, -1_000_000_000)), "price_tiers[0].unit_price.nanos"),
        ["nanos negative, units positive"] = (d => WithTier(d, 1, Tier(10, 90, -1)), "price_tiers[1].unit_price.nanos"),
        ["nanos positive, units negative"] = (d => WithTier(d, 1, Tier(10, -90, 1)), "price_tiers[1].unit_price.nanos"),
        ["closes_at missing"] = (d => d with { ClosesAt = null }, "closes_at"),
        ["closes_at now"] = (d => d with { ClosesAt = Now }, "closes_at"),
        ["closes_at past"] = (d => d with { ClosesAt = Now.AddTicks(-1) }, "closes_at"),
    };

    public static TheoryData<string> SingleRuleCases => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(SingleRuleCases))]
    public void Each_broken_rule_alone_is_reported_on_its_field_only(string name)
    {
        var (breakRule, field) = Cases[name];

        var violations = Violations(breakRule(Valid));

        Assert.Equal([field], violations.Select(v => v.Field));
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once()
    {
        var draft = new Draft("", new string('u', 41),
            [Tier(0, 100), new ProposedTier(10, null), Tier(50, 80, currency: "usd")], null);

        var violations = Violations(draft);

        Assert.Equal(
            ["item", "unit", "price_tiers[0].min_quantity", "price_tiers[1].unit_price", "price_tiers[2].unit_price.currency_code", "closes_at"],
            violations.Select(v => v.Field));
    }

    [Fact]
    public void Mistakes_in_several_tiers_are_each_reported()
    {
        var draft = Valid with { Tiers = [Tier(5, 100), Tier(5, 100), Tier(1, 0, -2_000_000_000), Tier(0, 120, currency: "EUR")] };

        var violations = Violations(draft);

        Assert.Equal(
            ["price_tiers[1].min_quantity", "price_tiers[1].unit_price", "price_tiers[2].min_quantity", "price_tiers[2].unit_price.nanos",
                "price_tiers[3].min_quantity", "price_tiers[3].unit_price.currency_code"],
            violations.Select(v => v.Field));
    }

    [Fact]
    public void A_valid_tender_opens_with_exact_prices_one_currency_and_trimmed_text()
    {
        var closesAt = Now.AddDays(30);

        var tender = Tender.Open("t-1", "  Lentiviral vector lot ", " lot ", Valid.Tiers, closesAt, Now);

        Assert.Equal("t-1", tender.TenderId);
        Assert.Equal("Lentiviral vector lot", tender.Item);
        Assert.Equal("lot", tender.Unit);
        Assert.Equal([new PriceTier(1, 100m), new PriceTier(10, 90m), new PriceTier(50, 80.5m)], tender.PriceTiers);
        Assert.Equal("USD", tender.Currency);
        Assert.Equal(closesAt, tender.ClosesAt);
        Assert.Equal(TenderStatus.Open, tender.Status);
        Assert.Equal(Now, tender.OpenedAt);
    }

    [Fact]
    public void The_limits_themselves_are_allowed()
    {
        var tiers = Enumerable.Range(1, Tender.MaxTiers).Select(i => Tier(i, 0, 1_000 - i)).ToArray();

        var tender = Tender.Open("t-1", new string('i', 200), new string('u', 40), tiers, Now.AddTicks(1), Now);

        Assert.Equal(Tender.MaxTiers, tender.PriceTiers.Count);
        Assert.Equal(0.000000999m, tender.PriceTiers[0].UnitPrice);
        Assert.Equal(0.000000990m, tender.PriceTiers[^1].UnitPrice);
    }

    [Fact]
    public void A_single_tier_needs_no_neighbours()
    {
        var tender = Tender.Open("t-1", "Tocilizumab vial", "vial", [Tier(1, 0, 1)], Now.AddDays(1), Now);

        Assert.Equal(0.000000001m, Assert.Single(tender.PriceTiers).UnitPrice);
    }

    [Theory]
    [InlineData(0L, 0, "0")]
    [InlineData(1L, 500_000_000, "1.5")]
    [InlineData(-1L, -500_000_000, "-1.5")]
    [InlineData(0L, -500_000_000, "-0.5")]
    [InlineData(0L, 1, "0.000000001")]
    [InlineData(0L, -1, "-0.000000001")]
    [InlineData(0L, 999_999_999, "0.999999999")]
    [InlineData(123L, 450_000_000, "123.45")]
    [InlineData(-7L, 0, "-7")]
    [InlineData(long.MaxValue, 999_999_999, "9223372036854775807.999999999")]
    [InlineData(long.MinValue, -999_999_999, "-9223372036854775808.999999999")]
    public void Money_and_decimal_convert_exactly_both_ways(long units, int nanos, string value)
    {
        var expected = decimal.Parse(value, CultureInfo.InvariantCulture);
        var money = new MoneyAmount("USD", units, nanos);

        Assert.Equal(expected, money.ToDecimal());
        Assert.Equal(money, MoneyAmount.FromDecimal("USD", expected));
        Assert.Equal(expected, MoneyAmount.FromDecimal("USD", money.ToDecimal()).ToDecimal());
    }

    [Fact]
    public void A_decimal_with_trailing_zeros_converts_like_its_value()
    {
        Assert.Equal(new MoneyAmount("EUR", 12, 300_000_000), MoneyAmount.FromDecimal("EUR", 12.3000000000m));
    }

    [Fact]
    public void A_decimal_money_cannot_hold_is_refused_not_rounded()
    {
        Assert.Throws<ArgumentException>(() => MoneyAmount.FromDecimal("USD", 0.0000000001m));
        Assert.Throws<ArgumentException>(() => MoneyAmount.FromDecimal("USD", -1.0000000005m));
        Assert.Throws<ArgumentOutOfRangeException>(() => MoneyAmount.FromDecimal("USD", (decimal)long.MaxValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MoneyAmount.FromDecimal("USD", (decimal)long.MinValue - 1));
    }

    [Theory]
    [InlineData(5L, 1_000_000_000)]
    [InlineData(0L, -1_000_000_000)]
    [InlineData(5L, -1)]
    [InlineData(-5L, 1)]
    [InlineData(0L, int.MaxValue)]
    public void Malformed_money_has_no_value(long units, int nanos)
    {
        var money = new MoneyAmount("USD", units, nanos);

        Assert.False(money.IsWellFormed);
        Assert.Throws<InvalidOperationException>(() => money.ToDecimal());
    }

    private static IReadOnlyList<FieldViolation> Violations(Draft draft) =>
        Assert.Throws<InvalidArgumentException>(() => Tender.Open("t-1", draft.Item, draft.Unit, draft.Tiers, draft.ClosesAt, Now)).Violations;

    private static ProposedTier Tier(int minQuantity, long units, int nanos = 0, string currency = "USD") =>
        new(minQuantity, new MoneyAmount(currency, units, nanos));

    private static Draft WithTier(Draft draft, int index, ProposedTier tier)
    {
        var tiers = draft.Tiers.ToArray();
        tiers[index] = tier;
        return draft with { Tiers = tiers };
    }
}
