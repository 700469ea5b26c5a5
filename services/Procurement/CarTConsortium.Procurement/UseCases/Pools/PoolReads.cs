using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <summary>The reads and the pool id check the pool use cases share.</summary>
internal static class PoolReads
{
    public const string PoolIdRule = "must be a pool id as OpenPool returned it";

    /// <exception cref="NotFoundException">No such pool.</exception>
    public static async Task<Stored<Pool>> FindPoolAsync(this IDocumentStore store, string poolId, CancellationToken ct) =>
        await store.FindAsync(ProcurementCollections.Pools, poolId, ct) ?? throw new NotFoundException($"No pool '{poolId}' exists.");

    /// <summary>
    /// For the closing job only, never a request path: the open pools, read by the status key, so
    /// closed pools (the history) are never read; a handful are open at once.
    /// </summary>
    public static Task<List<Stored<Pool>>> OpenPoolsAsync(this IDocumentStore store, CancellationToken ct) =>
        store.QueryAllAsync(ProcurementCollections.Pools, DocumentQuery.All.WhereKey(PoolKeys.Status, PoolKeys.StatusOf(PoolStatus.Open)), ct);
}
