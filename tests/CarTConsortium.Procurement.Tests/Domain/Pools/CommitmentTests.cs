using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Procurement.Domain.Pools;
using Xunit;
using static CarTConsortium.Procurement.Tests.Domain.Pools.PoolSamples;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

public sealed class CommitmentTests
{
    /// <summary>Everything an officer sends to commit.</summary>
    private sealed record Draft(string? Country, int Quantity, Money? MaxUnitPrice, string? Institution, string? Budget);

    private static readonly Draft Valid = new("KZ", 12, Usd(1_400m), "kz-rcch-almaty", "KZ-MOH-2026/CART-7");

    private static readonly SingleRuleCases<Draft> Cases = new(Valid, Violations)
    {
        ["country missing"] = (d => d with { Country = null }, "country_code"),
        ["country lower case"] = (d => d with { Country = "kz" }, "country_code"),
        ["country of three letters"] = (d => d with { Country = "KAZ" }, "country_code"),
        ["quantity zero"] = (d => d with { Quantity = 0 }, "quantity"),
        ["quantity negative"] = (d => d with { Quantity = -3 }, "quantity"),
        ["quantity above the most"] = (d => d with { Quantity = Commitment.MaxQuantity + 1 }, "quantity"),
        ["max price missing"] = (d => d with { MaxUnitPrice = null }, "max_unit_price"),
        ["max price zero"] = (d => d with { MaxUnitPrice = Usd(0m) }, "max_unit_price"),
        ["max price negative"] = (d => d with { MaxUnitPrice = Usd(-0.01m) }, "max_unit_price"),
        ["max price of three decimals"] = (d => d with { MaxUnitPrice = Usd(1_400.001m) }, "max_unit_price"),
        ["max price in another currency"] = (d => d with { MaxUnitPrice = new Money(1_400m, "EUR") }, "max_unit_price.currency_code"),
        ["max price in an unknown currency"] = (d => d with { MaxUnitPrice = new Money(1_400m, "XYZ") }, "max_unit_price.currency_code"),
        ["institution missing"] = (d => d with { Institution = null }, "delivery_institution_id"),
        ["institution not a slug"] = (d => d with { Institution = "KZ RCCH" }, "delivery_institution_id"),
        ["budget missing"] = (d => d with { Budget = null }, "budget_reference"),
        ["budget blank"] = (d => d with { Budget = "   " }, "budget_reference"),
        ["budget too long"] = (d => d with { Budget = new string('b', Commitment.MaxBudgetReferenceLength + 1) }, "budget_reference"),
    };

    public static TheoryData<string> SingleRuleCaseNames => Cases.Names;

    [Theory]
    [MemberData(nameof(SingleRuleCaseNames))]
    public void Each_broken_rule_alone_is_reported_on_its_field_only(string name) => Cases.AssertReportedOnItsFieldOnly(name);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_quantity_below_one_is_refused(int quantity)
    {
        var violation = Assert.Single(Violations(Valid with { Quantity = quantity }));

        Assert.Equal(new FieldViolation("quantity", "must be at least 1"), violation);
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once()
    {
        var violations = Violations(new Draft("kz", 0, new Money(1m, "EUR"), "", null));

        Assert.Equal(["country_code", "quantity", "max_unit_price.currency_code", "delivery_institution_id", "budget_reference"],
            violations.Select(v => v.Field));
    }

    [Fact]
    public void A_valid_commitment_keeps_what_was_given_with_the_budget_reference_trimmed()
    {
        var commitment = Check(Valid with { Budget = "  KZ-MOH-2026/CART-7 " });

        Assert.Equal("KZ", commitment.CountryCode);
        Assert.Equal(12, commitment.Quantity);
        Assert.Equal(Usd(1_400m), commitment.MaxUnitPrice);
        Assert.Equal("kz-rcch-almaty", commitment.DeliveryInstitutionId);
        Assert.Equal("KZ-MOH-2026/CART-7", commitment.BudgetReference);
    }

    [Fact]
    public void The_limits_themselves_are_allowed()
    {
        var least = Check(Valid with { Quantity = 1, MaxUnitPrice = Usd(0.01m) });
        var most = Check(Valid with
        {
            Quantity = Commitment.MaxQuantity,
            MaxUnitPrice = Usd(Money.MaxUnitPrice),
            Budget = new string('b', Commitment.MaxBudgetReferenceLength),
        });

        Assert.Equal(1, least.Quantity);
        Assert.Equal(Commitment.MaxQuantity, most.Quantity);
        Assert.Equal(Commitment.MaxBudgetReferenceLength, most.BudgetReference.Length);
    }

    private static Commitment Check(Draft d) => Commitment.Check(Terms(), d.Country, d.Quantity, d.MaxUnitPrice, d.Institution, d.Budget);

    private static IReadOnlyList<FieldViolation> Violations(Draft draft) =>
        Assert.Throws<InvalidArgumentException>(() => Check(draft)).Violations;
}
