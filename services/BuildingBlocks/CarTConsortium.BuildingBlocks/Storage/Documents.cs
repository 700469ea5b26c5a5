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
public sealed record DeadLetter(
    string EventId,
    string Consumer,
    string Topic,
    string Payload,
    string Reason,
    int Attempts,
    DateTimeOffset DeadLetteredAt);
