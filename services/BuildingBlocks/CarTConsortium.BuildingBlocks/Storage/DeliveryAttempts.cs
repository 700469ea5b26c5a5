namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>Deliveries of one event to one handler so far, as the service's store keeps them.</summary>
public sealed record DeliveryAttempt(string Consumer, string EventId, DateTimeOffset FirstAttemptAt, int Attempts, string? LastError);

/// <summary>
/// Counts deliveries per (handler, event) in the service's own store, so the dead-letter budget survives
/// restarts and is shared by every replica. The dispatcher forgets a record once the event is handled or
/// dead-lettered; what is left behind (a crash between the two) is harmless.
/// </summary>
public interface IDeliveryAttemptStore
{
    /// <summary>Counts one more delivery (the first one records <paramref name="at"/>) and returns the record after it.</summary>
    Task<DeliveryAttempt> RecordAttemptAsync(string consumer, string eventId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Keeps why the latest delivery failed (shown in the dead letter if it comes to that).</summary>
    Task RecordErrorAsync(string consumer, string eventId, string error, CancellationToken ct = default);

    Task<DeliveryAttempt?> FindAttemptAsync(string consumer, string eventId, CancellationToken ct = default);

    Task ForgetAttemptsAsync(string consumer, string eventId, CancellationToken ct = default);
}

/// <summary>One page of dead letters, newest event first (event ids are time-ordered UUIDv7s).</summary>
/// <param name="AfterKey">The <see cref="DeadLetter.Key"/> of the last letter of the previous page.</param>
public sealed record DeadLetterQuery(string? Topic, string? AfterKey, int Limit);

public sealed record DeadLetterPage(IReadOnlyList<DeadLetter> Items, string? NextAfterKey);

/// <summary>
/// What an operator does with dead letters: list them, count them, and read one for a replay. A replay never takes a
/// letter out on its own: the replay's commit settles it (<see cref="ChangeSet.ReplaySucceeded"/> deletes it with the
/// handler's changes, <see cref="ChangeSet.ReplayFailed"/> updates it in place), so a crash between reading the letter
/// and that commit leaves it listed and replayable.
/// </summary>
public interface IDeadLetterOperations
{
    Task<DeadLetterPage> ListDeadLettersAsync(DeadLetterQuery query, CancellationToken ct = default);

    /// <summary>Stored dead letters per topic (the gauge's source).</summary>
    Task<IReadOnlyDictionary<string, long>> CountDeadLettersByTopicAsync(CancellationToken ct = default);

    /// <summary>The dead letter of <paramref name="eventId"/> for <paramref name="consumer"/> as stored now; null when there is none.</summary>
    Task<DeadLetter?> FindDeadLetterAsync(string eventId, string consumer, CancellationToken ct = default);
}
