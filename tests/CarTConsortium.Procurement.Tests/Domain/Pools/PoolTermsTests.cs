using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Procurement.Domain.Pools;
using Xunit;
using static CarTConsortium.Procurement.Tests.Domain.Pools.PoolSamples;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

public sealed class PoolTermsTests
{
    /// <summary>Everything an admin sends to open a pool.</summary>
    private sealed record Draft(string? Item, string? Supplier, string? Currency, PriceTier[]? Tiers,
        DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt, int MinimumVolume, int? SupplyCap);

    private static readonly Draft Valid = new(Item, Supplier, Currency, ThreeTiers(), OpensAt, ClosesAt, 10, 100);

    private static readonly SingleRuleCases<Draft> Cases = new(Valid, Violations)
    {
        ["item missing"] = (d => d with { Item = null }, "item_id"),
        ["item not a slug"] = (d => d with { Item = "Lentiviral vector lot" }, "item_id"),
        ["supplier missing"] = (d => d with { Supplier = "" }, "supplier_id"),
        ["currency unknown"] = (d => d with { Currency = "XYZ", Tiers = [Tier(1, 1_500m, "XYZ")] }, "currency"),
        ["currency lower case"] = (d => d with { Currency = "usd", Tiers = [Tier(1, 1_500m, "usd")] }, "currency"),
        ["currency missing"] = (d => d with { Currency = null }, "currency"),
        ["currency withdrawn"] = (d => d with { Currency = "HRK", Tiers = [Tier(1, 1_500m, "HRK")] }, "currency"),
        ["currency not money"] = (d => d with { Currency = "XAU", Tiers = [Tier(1, 1_500m, "XAU")] }, "currency"),
        ["a tier in another currency"] = (d => d with { Tiers = [Tier(1, 1_500m), Tier(10, 1_350m, "EUR"), Tier(50, 1_200m)] },
            "price_tiers[1].unit_price.currency_code"),
        ["minimums not increasing"] = (d => d with { Tiers = [Tier(1, 1_500m), Tier(10, 1_350m), Tier(10, 1_200m)] },
            "price_tiers[2].min_quantity"),
        ["no tiers"] = (d => d with { Tiers = null }, "price_tiers"),
        ["opens_at missing"] = (d => d with { OpensAt = null }, "opens_at"),
        ["closes_at missing"] = (d => d with { ClosesAt = null }, "closes_at"),
        ["closing before opening"] = (d => d with { ClosesAt = OpensAt.AddDays(-1) }, "closes_at"),
        ["closing at opening"] = (d => d with { ClosesAt = OpensAt }, "closes_at"),
        ["minimum volume 0"] = (d => d with { MinimumVolume = 0, SupplyCap = null }, "minimum_volume"),
        ["minimum volume negative"] = (d => d with { MinimumVolume = -5, SupplyCap = null }, "minimum_volume"),
        ["cap 0"] = (d => d with { SupplyCap = 0 }, "supply_cap"),
        ["cap negative"] = (d => d with { SupplyCap = -1 }, "supply_cap"),
        ["cap below minimum"] = (d => d with { SupplyCap = 9 }, "supply_cap"),
    };

    public static TheoryData<string> SingleRuleCaseNames => Cases.Names;

    [Theory]
    [MemberData(nameof(SingleRuleCaseNames))]
    public void Each_broken_rule_alone_is_reported_on_its_field_only(string name) => Cases.AssertReportedOnItsFieldOnly(name);

    [Fact]
    public void Closing_before_opening_says_so()
    {
        var violation = Assert.Single(Violations(Valid with { ClosesAt = OpensAt.AddTicks(-1) }));

        Assert.Equal(new FieldViolation("closes_at", "must be after opens_at"), violation);
    }

    [Fact]
    public void An_unknown_currency_says_what_is_expected()
    {
        var violation = Assert.Single(Violations(Valid with { Currency = "XYZ", Tiers = [Tier(1, 1_500m, "XYZ")] }));

        Assert.Equal(new FieldViolation("currency", "must be an active ISO 4217 currency code in upper case, e.g. USD"), violation);
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once()
    {
        var draft = new Draft("", "Vector Bio", Currency, [Tier(2, 1_500m), Tier(1, 0m, "EUR")], ClosesAt, OpensAt, 0, -3);

        var violations = Violations(draft);

        Assert.Equal(
            ["item_id", "supplier_id", "price_tiers[0].min_quantity", "price_tiers[1].min_quantity",
                "price_tiers[1].unit_price.currency_code", "closes_at", "minimum_volume", "supply_cap"],
            violations.Select(v => v.Field));
    }

    [Fact]
    public void Valid_terms_keep_what_was_given()
    {
        var terms = Check(Valid);

        Assert.Equal(Item, terms.ItemId);
        Assert.Equal(Supplier, terms.SupplierId);
        Assert.Equal(Currency, terms.Currency);
        Assert.Equal(ThreeTiers(), terms.Tiers.Tiers);
        Assert.Equal(OpensAt, terms.OpensAt);
        Assert.Equal(ClosesAt, terms.ClosesAt);
        Assert.Equal(10, terms.MinimumVolume);
        Assert.Equal(100, terms.SupplyCap);
    }

    [Fact]
    public void The_limits_themselves_are_allowed()
    {
        var terms = Check(Valid with { ClosesAt = OpensAt.AddTicks(1), MinimumVolume = 1, SupplyCap = 1 });
        var capAtMinimum = Check(Valid with { MinimumVolume = 50, SupplyCap = 50 });
        var noCap = Check(Valid with { SupplyCap = null });

        Assert.Equal(1, terms.SupplyCap);
        Assert.Equal(50, capAtMinimum.SupplyCap);
        Assert.Null(noCap.SupplyCap);
    }

    [Theory]
    [InlineData(null, 0, 0)]
    [InlineData(null, 75, 75)]
    [InlineData(50, 49, 49)]
    [InlineData(50, 50, 50)]
    [InlineData(50, 51, 50)]
    public void The_supplier_delivers_what_is_committed_up_to_the_cap(int? cap, int committed, int delivered)
    {
        Assert.Equal(delivered, Terms(supplyCap: cap).DeliverableVolume(committed));
    }

    private static PoolTerms Check(Draft d) =>
        PoolTerms.Check(d.Item, d.Supplier, d.Currency, d.Tiers, d.OpensAt, d.ClosesAt, d.MinimumVolume, d.SupplyCap);

    private static IReadOnlyList<FieldViolation> Violations(Draft draft) =>
        Assert.Throws<InvalidArgumentException>(() => Check(draft)).Violations;
}
