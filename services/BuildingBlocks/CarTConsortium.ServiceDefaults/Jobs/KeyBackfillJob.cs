using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.ServiceDefaults.Jobs;

/// <summary>
/// Back-fills, every <see cref="SweepInterval"/> under its lease, the declared keys of stored documents written under another key set.
/// The store does it at start too; this sweep catches the documents that replicas of the previous release
/// write without a new key while a rolling deploy runs (and any written later by a straggler).
/// </summary>
public sealed partial class KeyBackfillJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<KeyBackfillJob> logger)
    : ScheduledJob<int>(scopes, clock, logger)
{
    /// <summary>Short enough that a query on a new key misses an old replica's document for minutes, not hours.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    protected override TimeSpan Interval => SweepInterval;

    protected override string LeaseName => "key-backfill";

    protected override async Task<int> RunRoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var backfilled = await services.GetRequiredService<IKeyBackfill>()
            .PrepareCollectionsAsync(services.GetServices<IDocumentCollection>(), ct);
        if (backfilled > 0)
        {
            LogBackfilled(backfilled);
        }
        return backfilled;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Back-filled the keys of {Count} document(s) written under another key set (by an earlier release)")]
    private partial void LogBackfilled(int count);
}
