using System.Diagnostics;
using CarTConsortium.BuildingBlocks.Leases;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// Publishes what commits left in the outbox, oldest first, and marks each event
/// published only after the transport accepted it. A crash between the two publishes
/// the event again on restart (at least once); subscribers' inboxes absorb the repeat.
/// One replica publishes: the one holding the <see cref="LeaseName"/> lease (<see cref="LeasedWork"/>).
/// An event the transport refuses for good (<see cref="EventRefusedException"/>) is parked with its reason
/// and the events behind it go on; any other failure retries the same event, so order holds.
/// </summary>
public sealed class OutboxRelay(
    IOutbox outbox,
    IOutboxOperations operations,
    IEventPublisher publisher,
    OutboxSignal signal,
    LeasedWork leases,
    TimeProvider clock,
    IOptions<EventingOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    /// <summary>The lease the publishing replica holds in the service's store.</summary>
    public const string LeaseName = "outbox-relay";

    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await leases.RunWhileHeldAsync(LeaseName, signal, PublishWhileHeldAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The relay's loop while this replica holds the lease; <paramref name="held"/> fires when it is lost.</summary>
    private async Task PublishWhileHeldAsync(CancellationToken held)
    {
        var failures = 0;
        await RefreshParkedCountAsync(held);
        while (!held.IsCancellationRequested)
        {
            try
            {
                var published = await PublishPendingAsync(held);
                failures = 0;
                if (published < BatchSize)
                {
                    await signal.WaitAsync(options.Value.OutboxPollInterval, held);
                }
            }
            catch (OperationCanceledException) when (held.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = options.Value.RetryDelay(failures);
                OutboxRelayLog.PublishFailed(logger, e, failures, delay);
                await Task.Delay(delay, held).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Publishes one batch; returns how many events it handled (published or parked).</summary>
    public async Task<int> PublishPendingAsync(CancellationToken ct)
    {
        var pending = await outbox.ReadPendingAsync(BatchSize, ct);
        var parked = 0;
        foreach (var message in pending)
        {
            using (var activity = EventingTelemetry.StartFromTraceParent($"publish {message.Topic}", ActivityKind.Producer, message.TraceParent, message.Topic))
            {
                activity?.SetTag("messaging.message.id", message.Id);
                var envelope = new EventEnvelope(message.Id, message.Topic, options.Value.AppId, message.OccurredAt, message.Payload,
                    activity?.Id ?? message.TraceParent);
                try
                {
                    await publisher.PublishAsync(envelope, ct);
                }
                catch (EventRefusedException refused)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, refused.Message);
                    await operations.ParkAsync(message.Id, refused.Message, clock.GetUtcNow(), ct);
                    OutboxRelayLog.Parked(logger, refused, message.Id, message.Topic);
                    parked++;
                    continue;
                }
            }
            await outbox.MarkPublishedAsync(message.Id, ct);
            EventingTelemetry.Published.Add(1, new KeyValuePair<string, object?>("topic", message.Topic));
        }
        if (parked > 0)
        {
            await RefreshParkedCountAsync(ct);
        }
        return pending.Count;
    }

    private async Task RefreshParkedCountAsync(CancellationToken ct)
    {
        try
        {
            ParkedEventsGauge.Update(options.Value.AppId, await operations.CountParkedAsync(ct));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only the gauge lags; publishing goes on.
            OutboxRelayLog.CountFailed(logger, e);
        }
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class OutboxRelayLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing from the outbox failed ({Failures} in a row); trying again in {Delay}")]
    public static partial void PublishFailed(ILogger logger, Exception error, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The broker refused event {EventId} on {Topic} for good; it is parked until an operator puts it back")]
    public static partial void Parked(ILogger logger, Exception error, string eventId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the parked events failed; the gauge keeps its last value")]
    public static partial void CountFailed(ILogger logger, Exception error);
}
