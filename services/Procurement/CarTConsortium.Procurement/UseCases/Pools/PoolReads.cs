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

    /// <summary>The open pools closing on <paramref name="day"/> (UTC), by the closing day key.</summary>
    public static DocumentQuery ClosingOn(DateOnly day) => DocumentQuery.All.WhereKey(PoolKeys.ClosingDay, PoolKeys.Day(day));

    /// <summary>For the closing job only, never a request path: the pools <paramref name="query"/> finds, a page at a time.</summary>
    public static async IAsyncEnumerable<Stored<Pool>> PagesOfPoolsAsync(this IDocumentStore store, DocumentQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var next = query with { Limit = DocumentQuery.MaxLimit };
        while (true)
        {
            var page = await store.QueryAsync(ProcurementCollections.Pools, next, ct);
            foreach (var pool in page.Items)
            {
                yield return pool;
            }
            if (page.NextAfterId is null)
            {
                yield break;
            }
            next = next with { AfterId = page.NextAfterId };
        }
    }
}
