using System.Diagnostics;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf;
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

/// <summary>What a replayed dead letter came to: handled, or dead-lettered again with a new reason.</summary>
public sealed record ReplayResult(bool Handled, string? Reason);

/// <summary>
/// The subscriber side every transport shares: runs the app's handlers for a delivered
/// event, skips handlers that saw it already (inbox), commits each handler's changes
/// with its inbox mark, counts attempts in the store and decides retry, deferral or
/// dead-letter by the <see cref="DeliveryBudget"/>. Transports only move envelopes and
/// obey the <see cref="DeliveryResult"/>.
/// </summary>
public sealed class EventDispatcher(
    IEnumerable<EventSubscription> subscriptions,
    IServiceScopeFactory scopes,
    IDocumentStore store,
    IInbox inbox,
    IDeliveryAttemptStore attempts,
    IDeadLetterOperations deadLetters,
    IOptions<EventingOptions> options,
    TimeProvider clock,
    ILogger<EventDispatcher> logger,
    DeadLetterCounts? counts = null)
{
    private readonly EventSubscription[] _subscriptions = subscriptions.ToArray();
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
        using var activity = StartActivity(envelope, "process");
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
            results.Add(await DispatchToAsync(subscription, envelope, replay: false, ct));
        }
        var retries = results.Where(r => r.Outcome == DeliveryOutcome.Retry).ToList();
        var result = retries.Count > 0 ? new DeliveryResult(DeliveryOutcome.Retry, retries.Min(r => r.RetryAfter))
            : results.Any(r => r.Outcome == DeliveryOutcome.Drop) ? DeliveryResult.Drop
            : DeliveryResult.Success;
        activity?.SetTag("messaging.outcome", result.Outcome.ToString());
        return result;
    }

    /// <summary>
    /// Replays the dead letter of <paramref name="eventId"/> for <paramref name="consumer"/>: removes it and its
    /// inbox mark atomically, then dispatches it to the same handler once. A replay that fails (or is still not
    /// applicable) is dead-lettered again at once: no transport holds the event to deliver it later.
    /// </summary>
    /// <exception cref="NotFoundException">No such dead letter in this service.</exception>
    /// <exception cref="RuleViolationException">No handler of this service is called <paramref name="consumer"/>.</exception>
    public async Task<ReplayResult> ReplayAsync(string eventId, string consumer, CancellationToken ct)
    {
        if (!_subscriptions.Any(s => s.Consumer == consumer))
        {
            throw new RuleViolationException($"No handler of this service is called '{consumer}', so its dead letters cannot be replayed here.");
        }
        // Not cancellable: once released, the letter must reach the handler or be kept again below.
        var letter = await deadLetters.ReleaseDeadLetterAsync(eventId, consumer, CancellationToken.None)
            ?? throw new NotFoundException($"There is no dead letter for event '{eventId}' and handler '{consumer}'.");
        counts?.Changed();
        var envelope = new EventEnvelope(letter.EventId, letter.Topic, letter.Source ?? EventOwnership.OwnerOf(letter.Topic) ?? "",
            letter.OccurredAt ?? letter.DeadLetteredAt, letter.Payload, letter.TraceParent);
        using var activity = StartActivity(envelope, "replay");
        EventDispatcherLog.Replaying(logger, letter.EventId, letter.Topic, consumer);
        var subscription = _subscriptions.FirstOrDefault(s => s.Consumer == consumer && s.Topic == letter.Topic);
        if (subscription is null)
        {
            var record = await attempts.RecordAttemptAsync(consumer, eventId, clock.GetUtcNow(), ct);
            var again = await DeadLetterAsync(consumer, envelope, record, $"replay failed: {consumer} no longer handles {letter.Topic}", ct);
            return new ReplayResult(false, again.Reason);
        }
        DeliveryResult result;
        try
        {
            result = await DispatchToAsync(subscription, envelope, replay: true, ct);
        }
        catch (Exception e)
        {
            // The letter is released: keep it again rather than lose the event (if the store lets us).
            var record = new DeliveryAttempt(consumer, eventId, clock.GetUtcNow(), 1, null);
            result = await DeadLetterAsync(consumer, envelope, record, $"replay failed: {e.GetType().Name}: {e.Message}", CancellationToken.None);
        }
        return new ReplayResult(result.Outcome == DeliveryOutcome.Success, result.Reason);
    }

    private Activity? StartActivity(EventEnvelope envelope, string operation)
    {
        var activity = EventingTelemetry.StartFromTraceParent($"{operation} {envelope.Topic}", ActivityKind.Consumer, envelope.TraceParent, envelope.Topic);
        activity?.SetTag("messaging.message.id", envelope.Id);
        activity?.SetTag("messaging.consumer.group.name", options.Value.AppId);
        return activity;
    }

    private async Task<DeliveryResult> DispatchToAsync(EventSubscription subscription, EventEnvelope envelope, bool replay, CancellationToken ct)
    {
        if (await inbox.HasHandledAsync(subscription.Consumer, envelope.Id, ct))
        {
            EventingTelemetry.Duplicates.Add(1, Tags(envelope));
            return DeliveryResult.Success;
        }
        var record = await attempts.RecordAttemptAsync(subscription.Consumer, envelope.Id, clock.GetUtcNow(), ct);

        IMessage message;
        try
        {
            message = IntegrationEvents.Parse(subscription.Descriptor, envelope.Payload);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            // JsonParser throws InvalidJsonException for text that is not JSON at all and
            // InvalidProtocolBufferException for JSON that is not this message: both are poison.
            return await DeadLetterAsync(subscription.Consumer, envelope, record, "unreadable payload: " + e.Message, ct);
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService(subscription.HandlerType);
            var context = new EventContext(envelope, record.Attempts, new ChangeSet().MarkHandled(subscription.Consumer, envelope.Id));
            await subscription.Invoke(handler, message, context, ct);
            await store.CommitAsync(context.Changes, ct);
            EventingTelemetry.Handled.Add(1, Tags(envelope));
            await ForgetAttemptsAsync(subscription.Consumer, envelope.Id);
            return DeliveryResult.Success;
        }
        catch (EventAlreadyHandledException)
        {
            // A concurrent delivery of the same event won the race; its effect stands alone.
            EventingTelemetry.Duplicates.Add(1, Tags(envelope));
            return DeliveryResult.Success;
        }
        catch (PoisonEventException e)
        {
            return await DeadLetterAsync(subscription.Consumer, envelope, record, e.Message, ct);
        }
        catch (EventNotYetApplicableException e)
        {
            return await NotYetAsync(subscription.Consumer, envelope, record, DeliveryFailure.NotYetApplicable, "not yet applicable: " + e.WaitingFor, e, replay, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return await NotYetAsync(subscription.Consumer, envelope, record, DeliveryFailure.Transient, $"{e.GetType().Name}: {e.Message}", e, replay, ct);
        }
    }

    // A delivery that did not succeed but is not poison: deferred, retried, or dead-lettered once the budget is spent.
    private async Task<DeliveryResult> NotYetAsync(string consumer, EventEnvelope envelope, DeliveryAttempt record, DeliveryFailure failure,
        string reason, Exception error, bool replay, CancellationToken ct)
    {
        if (replay)
        {
            return await DeadLetterAsync(consumer, envelope, record, "replay failed: " + reason, ct);
        }
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
            EventingTelemetry.Deferred.Add(1, Tags(envelope));
        }
        else
        {
            EventDispatcherLog.HandlerFailed(logger, error, consumer, envelope.Id, envelope.Topic, record.Attempts, decision.RetryAfter);
            EventingTelemetry.Retried.Add(1, Tags(envelope));
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

    // Per topic and per consuming app: one process may host several subscribers (standalone).
    private TagList Tags(EventEnvelope envelope) => new()
    {
        { "topic", envelope.Topic },
        { "consumer", options.Value.AppId },
    };

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
        EventingTelemetry.DeadLettered.Add(1, Tags(envelope));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Replaying dead letter of event {EventId} ({Topic}) for {Consumer}")]
    public static partial void Replaying(ILogger logger, string eventId, string topic, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not clear the delivery attempts of event {EventId} for {Consumer}; the record stays, unused")]
    public static partial void ForgetFailed(ILogger logger, Exception error, string consumer, string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused event {EventId} ({Topic}) from source {Source}: only {Owner} publishes that topic; {Consumer} dropped it unapplied")]
    public static partial void Forged(ILogger logger, string eventId, string topic, string source, string owner, string consumer);
}
