using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Hosting;

namespace CarTConsortium.Registry.Storage;

/// <summary>
/// The access log is a legal record: never pruned, so it only grows. Its one filtered query (a patient's
/// entries, by pseudonym, in id order) is indexed at start, before the first request, in either store.
/// </summary>
public sealed class AccessLogIndex(IKeyIndexes indexes) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        indexes.EnsureKeyIndexAsync(RegistryCollections.AccessLog, AccessLogKeys.Pseudonym, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
