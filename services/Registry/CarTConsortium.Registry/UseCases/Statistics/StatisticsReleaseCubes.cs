using System.Collections.Concurrent;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <summary>A release's published cube, as every request for it is answered.</summary>
public sealed record ReleasedCube(string ReleaseId, DateTimeOffset CutAt, StatisticsCube Cube);

/// <summary>
/// The published cubes of the releases this process has read, by id. A release never changes once cut, so
/// its cube is computed once per process and every later request costs only the slice it returns; only the
/// head (which release is the latest) is read per request.
/// </summary>
public sealed class StatisticsReleaseCubes
{
    private readonly ConcurrentDictionary<string, ReleasedCube> _cubes = new(StringComparer.Ordinal);

    /// <summary>Releases read from the store and computed, for the tests that show the cache holds.</summary>
    public int Reads => _reads;

    private int _reads;

    /// <summary>The named release's cube, or the latest's when <paramref name="releaseId"/> is empty.</summary>
    /// <exception cref="NotFoundException">No release of that id.</exception>
    /// <exception cref="RuleViolationException">No release cut yet.</exception>
    public async Task<ReleasedCube> GetAsync(IDocumentStore store, string? releaseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (string.IsNullOrEmpty(releaseId))
        {
            var head = await store.FindAsync(RegistryCollections.StatisticsReleaseHeads, StatisticsReleaseHead.Id, ct)
                ?? throw new RuleViolationException("No statistics release has been published yet; a consortium admin publishes one with PublishStatisticsRelease, and the job does monthly.");
            releaseId = head.Value.ReleaseId;
        }
        if (_cubes.TryGetValue(releaseId, out var cached))
        {
            return cached;
        }
        var release = await store.FindAsync(RegistryCollections.StatisticsReleases, releaseId, ct)
            ?? throw new NotFoundException($"No statistics release {releaseId}.");
        Interlocked.Increment(ref _reads);
        return _cubes.GetOrAdd(releaseId, new ReleasedCube(release.Value.ReleaseId, release.Value.CutAt, release.Value.Cube()));
    }
}
