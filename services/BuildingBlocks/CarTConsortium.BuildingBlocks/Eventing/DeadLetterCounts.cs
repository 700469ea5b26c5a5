using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// Feeds the <c>consortium.events.dead_letters</c> gauge from the store: counts per topic, read at start,
/// after every dead letter or replay, and every <see cref="RefreshInterval"/> (another replica may have
/// changed them). A gauge callback runs on the metrics thread and must not wait on a database, so it reads
/// the last counts held here.
/// </summary>
public sealed class DeadLetterCounts(IDeadLetterOperations deadLetters, IOptions<EventingOptions> options, ILogger<DeadLetterCounts> logger)
    : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    // Per app: the standalone process runs several, each with its own store.
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, long>> ByApp = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _changed = new(0, 1);

    /// <summary>Asks for a fresh count soon (a dead letter was stored or replayed).</summary>
    public void Changed()
    {
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Someone else asked first.
            }
        }
    }

    /// <summary>The counts this app last read, per topic.</summary>
    public IReadOnlyDictionary<string, long> Current => ByApp.GetValueOrDefault(options.Value.AppId) ?? new Dictionary<string, long>();

    /// <summary>Reads the counts now.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        ByApp[options.Value.AppId] = await deadLetters.CountDeadLettersByTopicAsync(ct);
    }

    internal static IEnumerable<Measurement<long>> Observe() =>
        ByApp.SelectMany(app => app.Value.Select(topic => new Measurement<long>(topic.Value,
            new KeyValuePair<string, object?>("topic", topic.Key), new KeyValuePair<string, object?>("consumer", app.Key))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                DeadLetterCountsLog.RefreshFailed(logger, e, options.Value.AppId);
            }
            try
            {
                await _changed.WaitAsync(RefreshInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        ByApp.TryRemove(options.Value.AppId, out _);
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class DeadLetterCountsLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the dead letters of {App} failed; the gauge keeps the last counts")]
    public static partial void RefreshFailed(ILogger logger, Exception error, string app);
}
