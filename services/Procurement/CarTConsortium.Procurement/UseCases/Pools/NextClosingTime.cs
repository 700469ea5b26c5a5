using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <summary>The earliest closing time of a pool still open, for the closing job to wake at.</summary>
public sealed class NextClosingTime(IDocumentStore store)
{
    /// <returns>Null when no pool is open.</returns>
    public async Task<DateTimeOffset?> ExecuteAsync(CancellationToken ct) =>
        (await store.OpenPoolsAsync(ct)).Select(p => (DateTimeOffset?)p.Value.ClosesAt).Min();
}
