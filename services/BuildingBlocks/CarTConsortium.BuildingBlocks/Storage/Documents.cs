namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>A document as stored, with the version that optimistic concurrency checks.</summary>
public sealed record Stored<T>(string Id, long Version, T Value);

public static class Stored
{
    /// <summary>What an insert in a <see cref="ChangeSet"/> becomes once committed: every adapter starts at version 1.</summary>
    public static Stored<T> Inserted<T>(string id, T value) => new(id, 1, value);
}

/// <summary>
/// Equality filters on a collection's keys, ordered by id, one page at a time
/// (keyset paging: the next page starts after the last id of this one).
/// </summary>
public sealed record DocumentQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public IReadOnlyDictionary<string, string> Where { get; init; } = new Dictionary<string, string>();
    public string? AfterId { get; init; }
    public int Limit { get; init; } = DefaultLimit;

    public static DocumentQuery All { get; } = new();

    public DocumentQuery WhereKey(string key, string? value) =>
        value is null or "" ? this : this with { Where = new Dictionary<string, string>(Where) { [key] = value } };
}

public sealed record Page<T>(IReadOnlyList<Stored<T>> Items, string? NextAfterId);

/// <summary>An integration event waiting in the outbox, saved in the same transaction as the change that raised it.</summary>
public sealed record OutboxMessage(
    string Id,
    string Topic,
    string Payload,
    string? TraceParent,
    DateTimeOffset OccurredAt);

/// <summary>An event a consumer gave up on, kept for an operator to look at and replay.</summary>
/// <param name="Source">The publishing service, <paramref name="OccurredAt"/> and <paramref name="TraceParent"/>: the rest of
/// the envelope, so a replay hands the handler the event as first delivered (null in letters kept before they were stored).</param>
/// <param name="FirstAttemptAt">When the handler first got the event.</param>
public sealed record DeadLetter(
    string EventId,
    string Consumer,
    string Topic,
    string Payload,
    string Reason,
    int Attempts,
    DateTimeOffset DeadLetteredAt,
    string? Source = null,
    DateTimeOffset? OccurredAt = null,
    string? TraceParent = null,
    DateTimeOffset? FirstAttemptAt = null)
{
    /// <summary>The name an operator replays it by: one dead letter per (event, consumer).</summary>
    public string Key => DeadLetterKey.Format(EventId, Consumer);
}

/// <summary>A dead letter's name, <c>{event id}~{consumer}</c>: URL-safe; the consumer (a handler's type name) holds no '~'.</summary>
public static class DeadLetterKey
{
    public const char Separator = '~';

    public static string Format(string eventId, string consumer) => eventId + Separator + consumer;

    public static bool TryParse(string? key, out string eventId, out string consumer)
    {
        var at = key?.LastIndexOf(Separator) ?? -1;
        eventId = at > 0 ? key![..at] : "";
        consumer = at > 0 ? key![(at + 1)..] : "";
        return eventId.Length > 0 && consumer.Length > 0;
    }
}
