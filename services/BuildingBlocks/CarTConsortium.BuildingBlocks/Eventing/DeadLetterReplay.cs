using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>What a replayed dead letter came to: handled, or kept as a dead letter with a new reason.</summary>
public sealed record ReplayResult(bool Handled, string? Reason);

/// <summary>
/// Replays one dead letter to its handler. The letter stays stored until the replay's outcome commits: a success
/// commits the handler's changes together with the letter's removal (its attempt record too; the inbox mark stays),
/// a failure updates the letter in place. A crash anywhere before that commit leaves the letter listed, to be
/// replayed again; of two replays of one letter at once, only the first to commit has any effect.
/// </summary>
public sealed class DeadLetterReplay(
    IEnumerable<EventSubscription> subscriptions,
    IServiceScopeFactory scopes,
    IDocumentStore store,
    IDeadLetterOperations deadLetters,
    IOptions<EventingOptions> options,
    TimeProvider clock,
    ILogger<DeadLetterReplay> logger,
    DeadLetterCounts? counts = null)
{
    private readonly EventSubscription[] _subscriptions = subscriptions.ToArray();

    /// <summary>Replays the dead letter of <paramref name="eventId"/> for <paramref name="consumer"/> once.</summary>
    /// <exception cref="NotFoundException">No such dead letter in this service (never dead-lettered, or replayed already).</exception>
    /// <exception cref="RuleViolationException">No handler of this service is called <paramref name="consumer"/>.</exception>
    /// <exception cref="DeadLetterReplayConflictException">Another replay of the letter committed first; this one changed nothing.</exception>
    public async Task<ReplayResult> ReplayAsync(string eventId, string consumer, CancellationToken ct)
    {
        if (!_subscriptions.Any(s => s.Consumer == consumer))
        {
            throw new RuleViolationException($"No handler of this service is called '{consumer}', so its dead letters cannot be replayed here.");
        }
        var letter = await deadLetters.FindDeadLetterAsync(eventId, consumer, ct)
            ?? throw new NotFoundException($"There is no dead letter for event '{eventId}' and handler '{consumer}'.");
        var envelope = new EventEnvelope(letter.EventId, letter.Topic, letter.Source ?? EventOwnership.OwnerOf(letter.Topic) ?? "",
            letter.OccurredAt ?? letter.DeadLetteredAt, letter.Payload, letter.TraceParent);
        var appId = options.Value.AppId;
        using var activity = HandlerRun.StartActivity(envelope, "replay", appId);
        DeadLetterReplayLog.Replaying(logger, letter.EventId, letter.Topic, consumer);

        var subscription = _subscriptions.FirstOrDefault(s => s.Consumer == consumer && s.Topic == letter.Topic);
        if (subscription is null)
        {
            return await FailAgainAsync(letter, $"{consumer} no longer handles {letter.Topic}", ct);
        }
        if (HandlerRun.TryParse(subscription, envelope, out var unreadable) is not { } message)
        {
            return await FailAgainAsync(letter, unreadable, ct);
        }
        try
        {
            // The inbox is not asked: the dead-lettering marked the event, and the letter's own commit rule stops a second replay.
            var context = new EventContext(envelope, letter.Attempts + 1, new ChangeSet().ReplaySucceeded(letter, clock.GetUtcNow()));
            await HandlerRun.InvokeAsync(scopes, subscription, message, context, ct);
            await store.CommitAsync(context.Changes, ct);
        }
        catch (DeadLetterReplayConflictException)
        {
            throw;
        }
        catch (EventNotYetApplicableException e)
        {
            return await FailAgainAsync(letter, "not yet applicable: " + e.WaitingFor, ct);
        }
        catch (PoisonEventException e)
        {
            return await FailAgainAsync(letter, e.Message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return await FailAgainAsync(letter, $"{e.GetType().Name}: {e.Message}", ct);
        }
        EventingTelemetry.Handled.Add(1, HandlerRun.Tags(envelope, appId));
        DeadLetterReplayLog.Replayed(logger, letter.EventId, letter.Topic, consumer);
        counts?.Changed();
        return new ReplayResult(true, null);
    }

    // No transport holds the event, so a failed replay keeps the letter: the same one, with the new reason.
    private async Task<ReplayResult> FailAgainAsync(DeadLetter letter, string problem, CancellationToken ct)
    {
        var reason = "replay failed: " + problem;
        await store.CommitAsync(new ChangeSet().ReplayFailed(letter, reason, clock.GetUtcNow()), ct);
        DeadLetterReplayLog.FailedAgain(logger, letter.EventId, letter.Topic, letter.Consumer, reason);
        return new ReplayResult(false, reason);
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class DeadLetterReplayLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Replaying dead letter of event {EventId} ({Topic}) for {Consumer}")]
    public static partial void Replaying(ILogger logger, string eventId, string topic, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed dead letter of event {EventId} ({Topic}) for {Consumer}: handled")]
    public static partial void Replayed(ILogger logger, string eventId, string topic, string consumer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replay of event {EventId} ({Topic}) for {Consumer} failed; the dead letter is kept: {Reason}")]
    public static partial void FailedAgain(ILogger logger, string eventId, string topic, string consumer, string reason);
}
