namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// Everything one use case changes, committed atomically: document writes (each
/// checked against the version it was read at), the integration events they raise
/// (the outbox), and the mark that an incoming event was handled (the inbox).
/// </summary>
public sealed class ChangeSet
{
    private readonly List<DocumentWrite> _writes = [];
    private readonly List<OutboxMessage> _events = [];

    public IReadOnlyList<DocumentWrite> Writes => _writes;
    public IReadOnlyList<OutboxMessage> Events => _events;
    public InboxMark? Handled { get; private set; }
    public DeadLetter? DeadLettered { get; private set; }
    public ReplayedDeadLetter? Replayed { get; private set; }

    /// <summary>Adds a new document; the commit fails if one with this id exists.</summary>
    public ChangeSet Insert<T>(Collection<T> collection, string id, T value) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        _writes.Add(new DocumentWrite(collection.Name, id, ExpectedVersion: 0, collection.Serialize(value), collection.KeysOf(value)));
        return this;
    }

    /// <summary>Replaces a document; the commit fails if it changed since <paramref name="current"/> was read.</summary>
    public ChangeSet Update<T>(Collection<T> collection, Stored<T> current, T value) where T : class
    {
        _writes.Add(new DocumentWrite(collection.Name, current.Id, current.Version, collection.Serialize(value), collection.KeysOf(value)));
        return this;
    }

    public ChangeSet Publish(OutboxMessage message)
    {
        _events.Add(message);
        return this;
    }

    /// <summary>Records that <paramref name="consumer"/> handled <paramref name="eventId"/>; a second commit of the same mark fails.</summary>
    public ChangeSet MarkHandled(string consumer, string eventId)
    {
        Handled = new InboxMark(consumer, eventId);
        return this;
    }

    /// <summary>Keeps an event a consumer gave up on (with its inbox mark, so it is not tried again).</summary>
    public ChangeSet DeadLetter(DeadLetter deadLetter)
    {
        DeadLettered = deadLetter;
        return this;
    }

    /// <summary>
    /// Settles a successful replay of <paramref name="letter"/> with the handler's changes: the letter and its attempt
    /// record go, the inbox mark (the dead-lettering's) stays, dated <paramref name="at"/>. The commit fails with
    /// <see cref="DeadLetterReplayConflictException"/> if the letter is gone or changed since it was read.
    /// </summary>
    public ChangeSet ReplaySucceeded(DeadLetter letter, DateTimeOffset at)
    {
        Replayed = new ReplayedDeadLetter(letter, null, at);
        return this;
    }

    /// <summary>
    /// Keeps <paramref name="letter"/> after a replay that failed again: updated in place with <paramref name="reason"/>,
    /// one more attempt and <paramref name="at"/>; the same conflict rule as <see cref="ReplaySucceeded"/>.
    /// </summary>
    public ChangeSet ReplayFailed(DeadLetter letter, string reason, DateTimeOffset at)
    {
        Replayed = new ReplayedDeadLetter(letter, letter with { Reason = reason, Attempts = letter.Attempts + 1, DeadLetteredAt = at }, at);
        return this;
    }
}

/// <param name="ExpectedVersion">0 for an insert; otherwise the version the document must still have.</param>
public sealed record DocumentWrite(
    string Collection,
    string Id,
    long ExpectedVersion,
    string Json,
    IReadOnlyDictionary<string, string> Keys);

public sealed record InboxMark(string Consumer, string EventId);
