using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Domain.PurchaseOrders;
using CarTConsortium.Procurement.Events;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <summary>
/// The commits several pool use cases share: a closing (by an admin or at the closing time)
/// and a changed commitment (committed, amended or withdrawn), each with its events in the
/// same commit, against the pool's revision.
/// </summary>
internal static class PoolWrites
{
    /// <summary>Closes and settles <paramref name="current"/> now; a settled pool issues its purchase orders.</summary>
    public static async Task<Stored<Pool>> CloseAsync(this IDocumentStore store, TimeProvider clock, Stored<Pool> current, string closedBy, string? reason,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (closed, _) = current.Value.Close(now, closedBy, reason);
        var stored = current with { Version = current.Version + 1, Value = closed };
        var changes = new ChangeSet().Update(ProcurementCollections.Pools, current, closed);
        if (closed.Status == PoolStatus.Settled)
        {
            var orders = PurchaseOrder.IssueFor(closed, now);
            foreach (var order in orders)
            {
                changes.Insert(ProcurementCollections.PurchaseOrders, order.PurchaseOrderId, order);
            }
            changes
                .Raise(PoolEvents.Closed(stored, now), clock)
                .Raise(PoolEvents.OrdersIssued(closed.PoolId, orders), clock);
        }
        else
        {
            changes.Raise(PoolEvents.Failed(stored, now), clock);
        }
        await store.CommitAsync(changes, ct);
        return stored;
    }

    /// <summary>Saves <paramref name="next"/>, <paramref name="current"/> with one country's commitment changed.</summary>
    /// <param name="commitment">The country's commitment now; null when it was withdrawn.</param>
    public static async Task<Stored<Pool>> SaveCommitmentAsync(this IDocumentStore store, TimeProvider clock, Stored<Pool> current, Pool next,
        string countryCode, CommitmentChange change, PoolCommitment? commitment, CancellationToken ct)
    {
        var stored = current with { Version = current.Version + 1, Value = next };
        await store.CommitAsync(new ChangeSet()
            .Update(ProcurementCollections.Pools, current, next)
            .Raise(PoolEvents.Changed(next, countryCode, change, commitment), clock), ct);
        return stored;
    }
}
