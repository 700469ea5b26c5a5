using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <summary>
/// The statistics cube shared by every request of this process (one instance per process): read from the tally
/// documents and merged once, then answered from memory, each cell as published computed at most once per snapshot
/// (<see cref="TallyCube.PublishedSlice"/>), the cells asked of the previous snapshot computed before a new one is used. Reading and merging every tally document is what a request used to pay each time
/// (about 0.5-1 s at a million patients, since the documents hold a count per follow-up day); a slice of a
/// snapshot costs the cells it returns.
/// </summary>
/// <remarks>
/// How old the figures may be:
/// <list type="bullet">
/// <item>A tally change committed by this process (<see cref="Changed"/>) is in every answer to a request that
/// starts after it: that request waits for a snapshot read after the change (concurrent requests share one read).</item>
/// <item>A change committed by another replica is in the answers at most <see cref="MaxAge"/> after its commit
/// (plus the duration of one read): no snapshot is used once it is that old. Requests after <see cref="RefreshAfter"/>
/// start a new read in the background and keep being answered from the current snapshot, so a registry asked
/// steadily never makes a request wait for a read. Thirty seconds is nothing for figures of a registry that
/// grows by a few patients a day, and bounds the reads to one per 15 s under any request rate
/// (a few per cent of a core at a million patients).</item>
/// </list>
/// Whether the tallies are built is not part of a snapshot: <see cref="GetStatistics"/> reads the state on every
/// request, so a registry whose tallies drifted stops answering at once.
/// </remarks>
public sealed partial class StatisticsSnapshots(TimeProvider clock, ILogger<StatisticsSnapshots> logger)
{
    /// <summary>The oldest snapshot a request is answered from: the bound on how late another replica's writes show.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>From this age on, a request answered from the snapshot starts reading the next one in the background.</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(15);

    private readonly Lock _lock = new();
    private long _revision;
    private Snapshot? _current;
    private Task<Snapshot>? _reading;
    private long _readingRevision;

    /// <summary>The tally documents read at <see cref="ReadFrom"/> (before the read began), holding every local change up to <see cref="Revision"/>.</summary>
    private sealed record Snapshot(TallyCube Cube, long Revision, DateTimeOffset ReadFrom);

    /// <summary>How many snapshots this instance has read from the store (for tests and diagnostics).</summary>
    public int Reads { get; private set; }

    /// <summary>Called after every commit of this process that changed tally documents: the next request reads them again.</summary>
    public void Changed() => Interlocked.Increment(ref _revision);

    /// <summary>
    /// The live tallies' published slice (never released: its figures change with every write, so only
    /// the tallies' own checks and benchmarks read it). Tallies not built yet (a registry just upgraded,
    /// or being rebuilt after drifting) are never built here: refused, to be retried, while
    /// <see cref="StatisticsTalliesJob"/> builds them.
    /// </summary>
    public async Task<StatisticsSlice> LiveSliceAsync(IDocumentStore store, IReadOnlySet<Dimension> groupBy, string? country, string? productId, int? year, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.FindAsync(RegistryCollections.TallyStates, TallyState.Id, ct) is not { Value.Built: true })
        {
            // FAILED_PRECONDITION: the platform's errors have no UNAVAILABLE; its message tells the caller to retry.
            throw new RuleViolationException("The statistics are being built from the patient records; retry in a few minutes.");
        }
        return (await CubeAsync(store, ct)).PublishedSlice(groupBy, country, productId, year);
    }

    /// <summary>The cube as of a read that began after this call and every local change before it, or at most <see cref="MaxAge"/> old.</summary>
    public async Task<TallyCube> CubeAsync(IDocumentStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var wanted = Volatile.Read(ref _revision);
        Task<Snapshot> reading;
        lock (_lock)
        {
            var age = _current is null ? TimeSpan.MaxValue : clock.GetUtcNow() - _current.ReadFrom;
            if (_current is { } current && current.Revision >= wanted && age < MaxAge)
            {
                if (age >= RefreshAfter && _reading is null)
                {
                    _ = StartReading(store).ContinueWith(read => LogRefreshFailed(read.Exception!), CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
                return current.Cube;
            }
            reading = _reading is not null && _readingRevision >= wanted ? _reading : StartReading(store);
        }
        return (await reading.WaitAsync(ct)).Cube;
    }

    /// <summary>Starts one read shared by every request that waits for it; not cancelled by any one of them. Under the lock.</summary>
    private Task<Snapshot> StartReading(IDocumentStore store)
    {
        var revision = Volatile.Read(ref _revision);
        var reading = ReadAsync(store, revision);
        _reading = reading;
        _readingRevision = revision;
        return reading;
    }

    private async Task<Snapshot> ReadAsync(IDocumentStore store, long revision)
    {
        try
        {
            // Off the caller's thread and lock: the read is the expensive part.
            await Task.Yield();
            var from = clock.GetUtcNow();
            var shards = await store.QueryAllAsync(RegistryCollections.TallyShards, DocumentQuery.All, CancellationToken.None);
            var cube = TallyCube.Of(shards.Select(shard => (shard.Value.Cell, shard.Value.Tally)));
            // The cells requests have asked for, computed before the cube replaces the one they were answered from.
            Snapshot? previous;
            lock (_lock)
            {
                previous = _current;
            }
            cube.Publish(previous?.Cube.PublishedKeys ?? []);
            var snapshot = new Snapshot(cube, revision, from);
            lock (_lock)
            {
                Reads++;
                if (_current is null || snapshot.Revision > _current.Revision || (snapshot.Revision == _current.Revision && snapshot.ReadFrom > _current.ReadFrom))
                {
                    _current = snapshot;
                }
            }
            return snapshot;
        }
        finally
        {
            lock (_lock)
            {
                if (_readingRevision == revision)
                {
                    _reading = null;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the statistics tallies in the background failed; the next request reads them again")]
    private partial void LogRefreshFailed(Exception exception);
}
