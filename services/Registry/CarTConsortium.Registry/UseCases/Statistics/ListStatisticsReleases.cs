using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <summary>The releases cut so far, newest first, from the one head document (no release is read).</summary>
public sealed class ListStatisticsReleases(IDocumentStore store)
{
    public async Task<IReadOnlyList<StatisticsReleaseEntry>> ExecuteAsync(CancellationToken ct) =>
        (await store.FindAsync(RegistryCollections.StatisticsReleaseHeads, StatisticsReleaseHead.Id, ct))?.Value.Releases ?? [];
}
