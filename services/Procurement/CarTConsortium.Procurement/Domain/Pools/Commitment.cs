using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// One member country's commitment to a pool, checked against the pool's terms. A pool holds
/// at most one commitment per country (an amendment replaces it), so that each country gets
/// one purchase order; <see cref="PoolSettlement.Settle(PoolTerms, IReadOnlyList{Commitment})"/> refuses two of one country. Only
/// <see cref="Check"/> makes one.
/// </summary>
public sealed class Commitment
{
    /// <summary>The most one country may commit to one pool. With at most 26 x 26 country codes, no pooled total can overflow an int.</summary>
    public const int MaxQuantity = 1_000_000;

    public const int MaxBudgetReferenceLength = 100;

    private Commitment(string countryCode, int quantity, Money maxUnitPrice, string deliveryInstitutionId, string budgetReference)
    {
        CountryCode = countryCode;
        Quantity = quantity;
        MaxUnitPrice = maxUnitPrice;
        DeliveryInstitutionId = deliveryInstitutionId;
        BudgetReference = budgetReference;
    }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public string CountryCode { get; }

    /// <summary>1 to <see cref="MaxQuantity"/> units.</summary>
    public int Quantity { get; }

    /// <summary>The highest unit price the country accepts, in the pool's currency: above it, the country drops out at closing.</summary>
    public Money MaxUnitPrice { get; }

    /// <summary>The institution (a slug) the country's units are delivered to.</summary>
    public string DeliveryInstitutionId { get; }

    /// <summary>The country's budget line that pays, as its officer writes it (trimmed).</summary>
    public string BudgetReference { get; }

    /// <summary>The commitment when every rule holds; otherwise every broken rule at once.</summary>
    /// <exception cref="InvalidArgumentException">Violations on <c>country_code</c>, <c>quantity</c>, <c>max_unit_price</c>
    /// (and <c>max_unit_price.currency_code</c>), <c>delivery_institution_id</c>, <c>budget_reference</c>.</exception>
    public static Commitment Check(PoolTerms terms, string? countryCode, int quantity, Money? maxUnitPrice,
        string? deliveryInstitutionId, string? budgetReference)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var validator = new Validator()
            .CountryCode(countryCode, "country_code")
            .Check(quantity >= 1, "quantity", "must be at least 1")
            .Check(quantity <= MaxQuantity, "quantity", $"must be at most {MaxQuantity}");
        var price = Money.CheckUnitPrice(maxUnitPrice, terms.Currency, "max_unit_price", validator);
        validator
            .Slug(deliveryInstitutionId, "delivery_institution_id")
            .Required(budgetReference, "budget_reference")
            .MaxLength(budgetReference?.Trim(), MaxBudgetReferenceLength, "budget_reference")
            .ThrowIfInvalid();
        return new Commitment(countryCode!, quantity, price!, deliveryInstitutionId!, budgetReference!.Trim());
    }
}
