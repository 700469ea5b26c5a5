using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// How a replay of <paramref name="Letter"/> ends, committed with the handler's changes: handled (<paramref name="KeptAs"/>
/// null: the letter and its attempt record are deleted) or failed again (<paramref name="KeptAs"/> replaces the letter
/// in place). Either way the inbox mark stays, dated <paramref name="At"/>, so redeliveries keep being skipped.
/// </summary>
/// <remarks>
/// <see cref="DeadLetter.Attempts"/> is the letter's version: only a failed replay changes a letter, and it adds one,
/// so a commit whose letter no longer has the attempts it was read with lost to another replay.
/// </remarks>
public sealed record ReplayedDeadLetter(DeadLetter Letter, DeadLetter? KeptAs, DateTimeOffset At);

/// <summary>A replay whose letter another replay settled or changed first: nothing of it is applied (ABORTED).</summary>
public sealed class DeadLetterReplayConflictException(DeadLetter letter)
    : ConcurrencyConflictException($"The dead letter of event '{letter.EventId}' for handler '{letter.Consumer}' was replayed by someone else meanwhile; list the dead letters again.");
