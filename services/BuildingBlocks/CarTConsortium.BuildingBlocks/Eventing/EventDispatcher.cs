using System.Diagnostics;
using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// The subscriber side every transport shares: runs the app's handlers for a delivered
/// event, skips handlers that saw it already (inbox), commits each handler's changes
/// with its inbox mark, and decides retry or dead-letter. Transports only move
/// envelopes and obey the <see cref="DeliveryOutcome"/>.
/// </summary>
public sealed class EventDispatcher(
    IEnumerable<EventSubscription> subscriptions,
    IServiceScopeFactory scopes,
    IDocumentStore store,
    IInbox inbox,
    IOptions<EventingOptions> options,
    TimeProvider clock,
    ILogger<EventDispatcher> logger)
{
    private readonly ILookup<string, EventSubscription> _byTopic = subscriptions.ToLookup(s => s.Topic, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Topics => _byTopic.Select(g => g.Key).ToArray();

    public int MaxAttempts => options.Value.MaxDeliveryAttempts;

    /// <param name="attempt">1 for the first delivery of this event to this app.</param>
    public async Task<DeliveryOutcome> DispatchAsync(EventEnvelope envelope, int attempt, CancellationToken ct)
    {
        using var activity = EventingTelemetry.StartFromTraceParent($"process {envelope.Topic}", ActivityKind.Consumer, envelope.TraceParent, envelope.Topic);
        activity?.SetTag("messaging.message.id", envelope.Id);
        activity?.SetTag("messaging.consumer.group.name", options.Value.AppId);

        if (!EventOwnership.MayPublish(envelope.Source, envelope.Topic))
        {
            return Refuse(envelope);
        }

        // Each handler keeps its own inbox mark (a dead letter marks it too), so a
        // redelivery for one handler's retry re-runs only that handler.
        var results = new List<DeliveryOutcome>();
        foreach (var subscription in _byTopic[envelope.Topic])
        {
            results.Add(await DispatchToAsync(subscription, envelope, attempt, ct));
        }
        var outcome = results.Contains(DeliveryOutcome.Retry) ? DeliveryOutcome.Retry
            : results.Contains(DeliveryOutcome.Drop) ? DeliveryOutcome.Drop
            : DeliveryOutcome.Success;
        activity?.SetTag("messaging.outcome", outcome.ToString());
        return outcome;
    }

    private async Task<DeliveryOutcome> DispatchToAsync(EventSubscription subscription, EventEnvelope envelope, int attempt, CancellationToken ct)
    {
        if (await inbox.HasHandledAsync(subscription.Consumer, envelope.Id, ct))
        {
            EventingTelemetry.Duplicates.Add(1, Tags(envelope));
            return DeliveryOutcome.Success;
        }

        IMessage message;
        try
        {
            message = IntegrationEvents.Parse(subscription.Descriptor, envelope.Payload);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            // JsonParser throws InvalidJsonException for text that is not JSON at all and
            // InvalidProtocolBufferException for JSON that is not this message: both are poison.
            return await DeadLetterAsync(subscription, envelope, attempt, "unreadable payload: " + e.Message, ct);
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService(subscription.HandlerType);
            var context = new EventContext(envelope, attempt, new ChangeSet().MarkHandled(subscription.Consumer, envelope.Id));
            await subscription.Invoke(handler, message, context, ct);
            await store.CommitAsync(context.Changes, ct);
            EventingTelemetry.Handled.Add(1, Tags(envelope));
            return DeliveryOutcome.Success;
        }
        catch (EventAlreadyHandledException)
        {
            // A concurrent delivery of the same event won the race; its effect stands alone.
            EventingTelemetry.Duplicates.Add(1, Tags(envelope));
            return DeliveryOutcome.Success;
        }
        catch (PoisonEventException e)
        {
            return await DeadLetterAsync(subscription, envelope, attempt, e.Message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (attempt >= MaxAttempts)
            {
                return await DeadLetterAsync(subscription, envelope, attempt, $"gave up after {attempt} attempts: {e.GetType().Name}: {e.Message}", ct);
            }
            EventDispatcherLog.HandlerFailed(logger, e, subscription.Consumer, envelope.Id, envelope.Topic, attempt, MaxAttempts);
            EventingTelemetry.Retried.Add(1, Tags(envelope));
            return DeliveryOutcome.Retry;
        }
    }

    // A forged event is not dead-lettered: a replay from the dead-letter list would only forge it again.
    private DeliveryOutcome Refuse(EventEnvelope envelope)
    {
        var owner = EventOwnership.OwnerOf(envelope.Topic) ?? "no service";
        EventDispatcherLog.Forged(logger, envelope.Id, envelope.Topic, envelope.Source, owner, options.Value.AppId);
        EventingTelemetry.Forged.Add(1, new TagList
        {
            { "topic", envelope.Topic },
            { "source", envelope.Source },
            { "consumer", options.Value.AppId },
        });
        return DeliveryOutcome.Drop;
    }

    // Per topic and per consuming app: one process may host several subscribers (standalone).
    private TagList Tags(EventEnvelope envelope) => new()
    {
        { "topic", envelope.Topic },
        { "consumer", options.Value.AppId },
    };

    private async Task<DeliveryOutcome> DeadLetterAsync(EventSubscription subscription, EventEnvelope envelope, int attempt, string reason, CancellationToken ct)
    {
        var deadLetter = new DeadLetter(envelope.Id, subscription.Consumer, envelope.Topic, envelope.Payload, reason, attempt, clock.GetUtcNow());
        try
        {
            await store.CommitAsync(new ChangeSet().MarkHandled(subscription.Consumer, envelope.Id).DeadLetter(deadLetter), ct);
        }
        catch (EventAlreadyHandledException)
        {
            return DeliveryOutcome.Success;
        }
        EventDispatcherLog.DeadLettered(logger, envelope.Id, envelope.Topic, subscription.Consumer, attempt, reason);
        EventingTelemetry.DeadLettered.Add(1, Tags(envelope));
        return DeliveryOutcome.Drop;
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class EventDispatcherLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler {Consumer} failed on event {EventId} ({Topic}), attempt {Attempt} of {MaxAttempts}; it will be retried")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string consumer, string eventId, string topic, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} ({Topic}) dead-lettered for {Consumer} after {Attempt} attempt(s): {Reason}")]
    public static partial void DeadLettered(ILogger logger, string eventId, string topic, string consumer, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused event {EventId} ({Topic}) from source {Source}: only {Owner} publishes that topic; {Consumer} dropped it unapplied")]
    public static partial void Forged(ILogger logger, string eventId, string topic, string source, string owner, string consumer);
}
