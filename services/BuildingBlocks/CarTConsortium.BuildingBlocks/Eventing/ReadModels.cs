using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>How a service keeps its copy of another service's entity from that service's events.</summary>
public static class ReadModels
{
    /// <summary>
    /// Adds the copy to the handler's changes, or replaces the kept one when the event is
    /// newer (by the producer's revision): a redelivered or out-of-order older event changes nothing.
    /// </summary>
    public static async Task UpsertNewerAsync<T>(this EventContext context, IDocumentStore store, Collection<T> collection, string id, T incoming,
        Func<T, long> producerRevision, CancellationToken ct) where T : class
    {
        var current = await store.FindAsync(collection, id, ct);
        if (current is null)
        {
            context.Changes.Insert(collection, id, incoming);
        }
        else if (producerRevision(current.Value) < producerRevision(incoming))
        {
            context.Changes.Update(collection, current, incoming);
        }
    }
}
