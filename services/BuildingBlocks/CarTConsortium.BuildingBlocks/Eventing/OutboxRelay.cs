using System.Diagnostics;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// Publishes what commits left in the outbox, oldest first, and marks each event
/// published only after the transport accepted it. A crash between the two publishes
/// the event again on restart (at least once); subscribers' inboxes absorb the repeat.
/// </summary>
public sealed class OutboxRelay(
    IOutbox outbox,
    IEventPublisher publisher,
    OutboxSignal signal,
    IOptions<EventingOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishPendingAsync(stoppingToken);
                failures = 0;
                if (published < BatchSize)
                {
                    await signal.WaitAsync(options.Value.OutboxPollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = options.Value.RetryDelay(failures);
                OutboxRelayLog.PublishFailed(logger, e, failures, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Publishes one batch; returns how many went out.</summary>
    public async Task<int> PublishPendingAsync(CancellationToken ct)
    {
        var pending = await outbox.ReadPendingAsync(BatchSize, ct);
        foreach (var message in pending)
        {
            using (var activity = EventingTelemetry.StartFromTraceParent($"publish {message.Topic}", ActivityKind.Producer, message.TraceParent, message.Topic))
            {
                activity?.SetTag("messaging.message.id", message.Id);
                var envelope = new EventEnvelope(message.Id, message.Topic, options.Value.AppId, message.OccurredAt, message.Payload,
                    activity?.Id ?? message.TraceParent);
                await publisher.PublishAsync(envelope, ct);
            }
            await outbox.MarkPublishedAsync(message.Id, ct);
            EventingTelemetry.Published.Add(1, new KeyValuePair<string, object?>("topic", message.Topic));
        }
        return pending.Count;
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class OutboxRelayLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing from the outbox failed ({Failures} in a row); trying again in {Delay}")]
    public static partial void PublishFailed(ILogger logger, Exception error, int failures, TimeSpan delay);
}
