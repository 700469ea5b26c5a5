namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// What an operator does with the outbox beyond the relay's own work: events the broker refused for good
/// are parked (kept, out of the line, with the reason) until put back; after a broker lost what it had,
/// every event published since a time goes out again.
/// </summary>
public interface IOutboxOperations
{
    /// <summary>Takes a pending event out of the line with the broker's reason; the events behind it go on.</summary>
    Task ParkAsync(string messageId, string reason, DateTimeOffset parkedAt, CancellationToken ct = default);

    /// <summary>Parked events in commit order, <paramref name="max"/> at most, after the one numbered <paramref name="afterSeq"/>.</summary>
    Task<IReadOnlyList<ParkedEvent>> ListParkedAsync(int max, long? afterSeq, CancellationToken ct = default);

    /// <summary>Puts a parked event back in line at its original place; false when no such event is parked.</summary>
    Task<bool> RequeueParkedAsync(string messageId, CancellationToken ct = default);

    /// <summary>How many events are parked, by topic.</summary>
    Task<IReadOnlyDictionary<string, long>> CountParkedAsync(CancellationToken ct = default);

    /// <summary>Marks every event published at or after <paramref name="since"/> pending again; returns how many.</summary>
    Task<int> RepublishSinceAsync(DateTimeOffset since, CancellationToken ct = default);
}

/// <summary>Removes what the eventing no longer needs once it is older than the retention.</summary>
public interface IEventRetention
{
    /// <summary>
    /// Deletes outbox events published before <paramref name="before"/> and inbox marks made before it.
    /// Pending and parked events are kept whatever their age.
    /// </summary>
    Task<PrunedEvents> PruneAsync(DateTimeOffset before, CancellationToken ct = default);
}

/// <param name="Seq">Its place in commit order.</param>
public sealed record ParkedEvent(long Seq, string Id, string Topic, DateTimeOffset OccurredAt, string Reason, DateTimeOffset ParkedAt);

public sealed record PrunedEvents(int OutboxMessages, int InboxMarks);
