using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.Domain.PurchaseOrders;

/// <summary>The order one country gets from a settled pool; its id is the pool's and the country's.</summary>
public sealed record PurchaseOrder(
    string PurchaseOrderId,
    string PoolId,
    string CountryCode,
    string ItemId,
    string ItemName,
    string Unit,
    string SupplierId,
    int Quantity,
    int CommittedQuantity,
    Money UnitPrice,
    Money Total,
    string DeliveryInstitutionId,
    string BudgetReference,
    DateTimeOffset IssuedAt,
    Money AloneUnitPrice,
    Savings Savings)
{
    public static string IdOf(string poolId, string countryCode) => $"{poolId}.{countryCode}";

    /// <summary>One order per country of a settled pool that gets at least one unit.</summary>
    public static IReadOnlyList<PurchaseOrder> IssueFor(Pool settled, DateTimeOffset now)
    {
        if (settled is not { Status: PoolStatus.Settled, Outcome.Tier: { } tier })
        {
            throw new InvalidOperationException($"Pool {settled.PoolId} has not settled.");
        }
        return [.. settled.Outcome.Countries.Where(c => c.Allocated > 0).Select(c =>
        {
            var commitment = settled.CommitmentOf(c.CountryCode)!;
            return new PurchaseOrder(IdOf(settled.PoolId, c.CountryCode), settled.PoolId, c.CountryCode, settled.ItemId, settled.ItemName, settled.Unit,
                settled.SupplierId, c.Allocated, c.Committed, tier.UnitPrice, c.Savings.Paid, commitment.DeliveryInstitutionId, commitment.BudgetReference,
                now, c.AloneUnitPrice!, c.Savings);
        })];
    }
}
