using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Procurement.Api;
using CarTConsortium.Procurement.Domain.Pools;
using Pool = CarTConsortium.Procurement.Domain.Pools.Pool;
using PoolCommitment = CarTConsortium.Procurement.Domain.Pools.PoolCommitment;
using PurchaseOrder = CarTConsortium.Procurement.Domain.PurchaseOrders.PurchaseOrder;

namespace CarTConsortium.Procurement.Events;

/// <summary>
/// The integration events procurement publishes, from the domain's records. The other services
/// are no reader with a country: events carry every country's figures (<see cref="PoolViewer.Everything"/>).
/// </summary>
internal static class PoolEvents
{
    public static PoolOpened Opened(Stored<Pool> opened, DateTimeOffset now) => new() { Pool = Everything(opened, now) };

    /// <param name="commitment">The country's commitment now; null when it was withdrawn.</param>
    public static CommitmentChanged Changed(Pool pool, string countryCode, CommitmentChange change, PoolCommitment? commitment) => new()
    {
        PoolId = pool.PoolId,
        CountryCode = countryCode,
        Change = change switch
        {
            CommitmentChange.Committed => "committed",
            CommitmentChange.Amended => "amended",
            CommitmentChange.Withdrawn => "withdrawn",
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown commitment change."),
        },
        Commitment = commitment is null ? null : ProcurementMapping.ToContract(pool.PoolId, commitment),
        Totals = ProcurementMapping.ToContract(pool.Totals(), pool.Commitments.Count),
    };

    public static PoolClosed Closed(Stored<Pool> settled, DateTimeOffset now) => new()
    {
        Pool = Everything(settled, now),
        Savings = ProcurementMapping.ToContract(settled.Value.PoolId, settled.Value.Savings()),
    };

    public static PoolFailed Failed(Stored<Pool> failed, DateTimeOffset now) => new() { Pool = Everything(failed, now) };

    public static PurchaseOrdersIssued OrdersIssued(string poolId, IEnumerable<PurchaseOrder> orders) =>
        new() { PoolId = poolId, PurchaseOrders = { orders.Select(ProcurementMapping.ToContract) } };

    private static Contracts.Procurement.V1.Pool Everything(Stored<Pool> stored, DateTimeOffset now) =>
        ProcurementMapping.ToContract(PoolView.Of(stored.Value, PoolViewer.Everything, now), stored.Version);
}
