using CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Portal.Components.Procurement;

/// <summary>What an officer types to commit or amend; the API checks it (no rule is repeated here).</summary>
public sealed class CommitInput
{
    public int? Quantity { get; set; }
    public decimal? MaxUnitPrice { get; set; }
    public string DeliveryInstitutionId { get; set; } = "";
    public string BudgetReference { get; set; } = "";

    /// <summary>The form starts from the country's commitment as it stands, so that an amendment changes only what is retyped.</summary>
    public static CommitInput From(Commitment? current) => current is null
        ? new CommitInput()
        : new CommitInput
        {
            Quantity = current.Quantity,
            MaxUnitPrice = current.MaxUnitPrice is null ? null : Prices.ToDecimal(current.MaxUnitPrice),
            DeliveryInstitutionId = current.DeliveryInstitutionId,
            BudgetReference = current.BudgetReference,
        };

    /// <summary>The request: a first commitment names revision 0, an amendment the revision of the commitment it amends.</summary>
    public CommitRequest ToRequest(Pool pool, string countryCode, Commitment? current)
    {
        var request = new CommitRequest
        {
            PoolId = pool.PoolId,
            CountryCode = countryCode,
            Quantity = Quantity ?? 0,
            DeliveryInstitutionId = DeliveryInstitutionId.Trim(),
            BudgetReference = BudgetReference.Trim(),
            ExpectedRevision = current?.Revision?.Version ?? 0,
        };
        if (MaxUnitPrice is { } max)
        {
            request.MaxUnitPrice = Prices.ToMoney(max, pool.Currency);
        }
        return request;
    }
}
