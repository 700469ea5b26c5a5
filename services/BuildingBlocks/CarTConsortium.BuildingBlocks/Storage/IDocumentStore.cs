using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// The storage port: one database per service. Two adapters implement it (SQLite for
/// standalone, MongoDB for the consortium deployment) and pass the same contract tests.
/// </summary>
public interface IDocumentStore
{
    Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class;

    Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class;

    /// <summary>
    /// How many documents match <paramref name="query"/>'s keys (its paging ignored), counted no further than
    /// <paramref name="most"/>: for limits, which only need to know whether a count reached them. The adapters count
    /// in their key indexes without reading a document; this default pages through them, for stores that wrap another.
    /// </summary>
    async Task<int> CountUpToAsync<T>(Collection<T> collection, DocumentQuery query, int most, CancellationToken ct = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(query);
        var count = 0;
        string? after = null;
        while (count < most)
        {
            var page = await QueryAsync(collection, query with { AfterId = after, Limit = Math.Min(most - count, DocumentQuery.MaxLimit) }, ct);
            count += page.Items.Count;
            if ((after = page.NextAfterId) is null)
            {
                break;
            }
        }
        return count;
    }

    /// <summary>
    /// Commits every part of <paramref name="changes"/> or none of it.
    /// </summary>
    /// <exception cref="DocumentExistsException">An insert found the id taken.</exception>
    /// <exception cref="ConcurrencyConflictException">An update found a newer version.</exception>
    /// <exception cref="EventAlreadyHandledException">The inbox mark was committed before.</exception>
    /// <exception cref="DeadLetterReplayConflictException">A replay's dead letter was settled or changed by another replay.</exception>
    Task CommitAsync(ChangeSet changes, CancellationToken ct = default);
}

/// <summary>What the outbox relay needs: the events not yet published, in commit order.</summary>
public interface IOutbox
{
    Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int max, CancellationToken ct = default);

    Task MarkPublishedAsync(string messageId, CancellationToken ct = default);
}

/// <summary>What an idempotent consumer needs: has this event been handled already?</summary>
public interface IInbox
{
    Task<bool> HasHandledAsync(string consumer, string eventId, CancellationToken ct = default);
}

/// <summary>Events consumers gave up on, newest first, for an operator to inspect.</summary>
public interface IDeadLetterStore
{
    Task<IReadOnlyList<DeadLetter>> ListAsync(int max, CancellationToken ct = default);
}

/// <summary>An insert whose id is taken: ALREADY_EXISTS to a caller that chose the id.</summary>
public sealed class DocumentExistsException(string collection, string id)
    : AlreadyExistsException($"A {collection} entry with id '{id}' already exists.");

public sealed class EventAlreadyHandledException(InboxMark mark)
    : Exception($"Event {mark.EventId} was already handled by {mark.Consumer}.");

/// <summary>A stale update: the document changed since it was read.</summary>
public sealed class StaleVersionException(string collection, string id)
    : ConcurrencyConflictException($"The {collection} entry '{id}' was changed by someone else; read it again and retry.");
