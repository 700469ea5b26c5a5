using System.Diagnostics;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>What the transport should do with a delivery, and when to try again after a Retry.</summary>
/// <param name="Reason">Why it was dead-lettered, when it was.</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, TimeSpan RetryAfter, string? Reason = null)
{
    public static DeliveryResult Success { get; } = new(DeliveryOutcome.Success, TimeSpan.Zero);

    public static DeliveryResult Drop { get; } = new(DeliveryOutcome.Drop, TimeSpan.Zero);
}

/// <summary>
/// The subscriber side every transport shares: runs the app's handlers for a delivered
/// event, skips handlers that saw it already (inbox), commits each handler's changes
/// with its inbox mark, counts attempts in the store and decides retry, deferral or
/// dead-letter by the <see cref="DeliveryBudget"/>. Transports only move envelopes and
/// obey the <see cref="DeliveryResult"/>. Replaying a dead letter is <see cref="DeadLetterReplay"/>'s.
/// </summary>
public sealed class EventDispatcher(
    IEnumerable<EventSubscription> subscriptions,
    IServiceScopeFactory scopes,
    IDocumentStore store,
    IInbox inbox,
    IDeliveryAttemptStore attempts,
    IOptions<EventingOptions> options,
    TimeProvider clock,
    ILogger<EventDispatcher> logger,
    DeadLetterCounts? counts = null)
{
    private readonly ILookup<string, EventSubscription> _byTopic = subscriptions.ToLookup(s => s.Topic, StringComparer.Ordinal);
    private readonly DeliveryBudget _budget = DeliveryBudget.From(options.Value);

    public IReadOnlyCollection<string> Topics => _byTopic.Select(g => g.Key).ToArray();

    /// <param name="attempt">The transport's own count of this delivery, 0 when it keeps none (trace only: the budget counts in the store).</param>
    public async Task<DeliveryOutcome> DispatchAsync(EventEnvelope envelope, int attempt, CancellationToken ct) =>
        (await DeliverAsync(envelope, attempt, ct)).Outcome;

    /// <summary>Delivers <paramref name="envelope"/> to every handler of its topic that has not handled it yet.</summary>
    /// <param name="attempt">The transport's own count of this delivery, for the trace.</param>
    public async Task<DeliveryResult> DeliverAsync(EventEnvelope envelope, int attempt, CancellationToken ct)
    {
        using var activity = HandlerRun.StartActivity(envelope, "process", options.Value.AppId);
        activity?.SetTag("messaging.delivery.transport_attempt", attempt);
        if (!EventOwnership.MayPublish(envelope.Source, envelope.Topic))
        {
            return Refuse(envelope);
        }

        // Each handler keeps its own inbox mark and attempt record (a dead letter marks it too), so a
        // redelivery for one handler's retry re-runs only that handler.
        var results = new List<DeliveryResult>();
        foreach (var subscription in _byTopic[envelope.Topic])
        {
            results.Add(await DispatchToAsync(subscription, envelope, ct));
        }
        var retries = results.Where(r => r.Outcome == DeliveryOutcome.Retry).ToList();
        var result = retries.Count > 0 ? new DeliveryResult(DeliveryOutcome.Retry, retries.Min(r => r.RetryAfter))
            : results.Any(r => r.Outcome == DeliveryOutcome.Drop) ? DeliveryResult.Drop
            : DeliveryResult.Success;
        activity?.SetTag("messaging.outcome", result.Outcome.ToString());
        return result;
    }

    private async Task<DeliveryResult> DispatchToAsync(EventSubscription subscription, EventEnvelope envelope, CancellationToken ct)
    {
        if (await inbox.HasHandledAsync(subscription.Consumer, envelope.Id, ct))
        {
            EventingTelemetry.Duplicates.Add(1, HandlerRun.Tags(envelope, options.Value.AppId));
            return DeliveryResult.Success;
        }
        var record = await attempts.RecordAttemptAsync(subscription.Consumer, envelope.Id, clock.GetUtcNow(), ct);

        if (HandlerRun.TryParse(subscription, envelope, out var unreadable) is not { } message)
        {
            return await DeadLetterAsync(subscription.Consumer, envelope, record, unreadable, ct);
        }

        try
        {
            var context = new EventContext(envelope, record.Attempts, new ChangeSet().MarkHandled(subscription.Consumer, envelope.Id));
            await HandlerRun.InvokeAsync(scopes, subscription, message, context, ct);
            await store.CommitAsync(context.Changes, ct);
            EventingTelemetry.Handled.Add(1, HandlerRun.Tags(envelope, options.Value.AppId));
            await ForgetAttemptsAsync(subscription.Consumer, envelope.Id);
            return DeliveryResult.Success;
        }
        catch (EventAlreadyHandledException)
        {
            // A concurrent delivery of the same event won the race; its effect stands alone.
            EventingTelemetry.Duplicates.Add(1, HandlerRun.Tags(envelope, options.Value.AppId));
            return DeliveryResult.Success;
        }
        catch (PoisonEventException e)
        {
            return await DeadLetterAsync(subscription.Consumer, envelope, record, e.Message, ct);
        }
        catch (EventNotYetApplicableException e)
        {
            return await NotYetAsync(subscription.Consumer, envelope, record, DeliveryFailure.NotYetApplicable, "not yet applicable: " + e.WaitingFor, e, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return await NotYetAsync(subscription.Consumer, envelope, record, DeliveryFailure.Transient, $"{e.GetType().Name}: {e.Message}", e, ct);
        }
    }

    // A delivery that did not succeed but is not poison: deferred, retried, or dead-lettered once the budget is spent.
    private async Task<DeliveryResult> NotYetAsync(string consumer, EventEnvelope envelope, DeliveryAttempt record, DeliveryFailure failure,
        string reason, Exception error, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var decision = _budget.Decide(record.FirstAttemptAt, now, record.Attempts, failure, Random.Shared.NextDouble());
        if (decision.Verdict == DeliveryVerdict.DeadLetter)
        {
            var spent = now - record.FirstAttemptAt;
            return await DeadLetterAsync(consumer, envelope, record, $"gave up after {record.Attempts} attempt(s) over {spent:g}: {reason}", ct);
        }
        await attempts.RecordErrorAsync(consumer, envelope.Id, reason, ct);
        if (decision.Verdict == DeliveryVerdict.Defer)
        {
            EventDispatcherLog.Deferred(logger, consumer, envelope.Id, envelope.Topic, record.Attempts, reason, decision.RetryAfter);
            EventingTelemetry.Deferred.Add(1, HandlerRun.Tags(envelope, options.Value.AppId));
        }
        else
        {
            EventDispatcherLog.HandlerFailed(logger, error, consumer, envelope.Id, envelope.Topic, record.Attempts, decision.RetryAfter);
            EventingTelemetry.Retried.Add(1, HandlerRun.Tags(envelope, options.Value.AppId));
        }
        return new DeliveryResult(DeliveryOutcome.Retry, decision.RetryAfter);
    }

    // A forged event is not dead-lettered: a replay from the dead-letter list would only forge it again.
    private DeliveryResult Refuse(EventEnvelope envelope)
    {
        var owner = EventOwnership.OwnerOf(envelope.Topic) ?? "no service";
        EventDispatcherLog.Forged(logger, envelope.Id, envelope.Topic, envelope.Source, owner, options.Value.AppId);
        EventingTelemetry.Forged.Add(1, new TagList
        {
            { "topic", envelope.Topic },
            { "source", envelope.Source },
            { "consumer", options.Value.AppId },
        });
        return DeliveryResult.Drop;
    }

    private async Task<DeliveryResult> DeadLetterAsync(string consumer, EventEnvelope envelope, DeliveryAttempt record, string reason, CancellationToken ct)
    {
        var deadLetter = new DeadLetter(envelope.Id, consumer, envelope.Topic, envelope.Payload, reason, record.Attempts, clock.GetUtcNow(),
            envelope.Source, envelope.OccurredAt, envelope.TraceParent, record.FirstAttemptAt);
        try
        {
            await store.CommitAsync(new ChangeSet().MarkHandled(consumer, envelope.Id).DeadLetter(deadLetter), ct);
        }
        catch (EventAlreadyHandledException)
        {
            return DeliveryResult.Success;
        }
        EventDispatcherLog.DeadLettered(logger, envelope.Id, envelope.Topic, consumer, record.Attempts, reason);
        EventingTelemetry.DeadLettered.Add(1, HandlerRun.Tags(envelope, options.Value.AppId));
        counts?.Changed();
        await ForgetAttemptsAsync(consumer, envelope.Id);
        return new DeliveryResult(DeliveryOutcome.Drop, TimeSpan.Zero, reason);
    }

    // The inbox mark settles the event; a record left behind by a failure here only wastes a row. Not cancelled
    // with the delivery: the effect is committed, and a stopping app must still report it as handled.
    private async Task ForgetAttemptsAsync(string consumer, string eventId)
    {
        try
        {
            await attempts.ForgetAttemptsAsync(consumer, eventId, CancellationToken.None);
        }
        catch (Exception e)
        {
            EventDispatcherLog.ForgetFailed(logger, e, consumer, eventId);
        }
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class EventDispatcherLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler {Consumer} failed on event {EventId} ({Topic}), attempt {Attempt}; it will be retried in {RetryAfter}")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string consumer, string eventId, string topic, int attempt, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handler {Consumer} deferred event {EventId} ({Topic}), attempt {Attempt}: {Reason}; delivering again in {RetryAfter}")]
    public static partial void Deferred(ILogger logger, string consumer, string eventId, string topic, int attempt, string reason, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} ({Topic}) dead-lettered for {Consumer} after {Attempt} attempt(s): {Reason}")]
    public static partial void DeadLettered(ILogger logger, string eventId, string topic, string consumer, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not clear the delivery attempts of event {EventId} for {Consumer}; the record stays, unused")]
    public static partial void ForgetFailed(ILogger logger, Exception error, string consumer, string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused event {EventId} ({Topic}) from source {Source}: only {Owner} publishes that topic; {Consumer} dropped it unapplied")]
    public static partial void Forged(ILogger logger, string eventId, string topic, string source, string owner, string consumer);
}
