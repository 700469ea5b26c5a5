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

    /// <summary>
    /// Whether the entities a service needs from others (for its demo data, say) have arrived
    /// here by event: asks <paramref name="arrived"/> every 100 ms until it says yes or
    /// <paramref name="wait"/> has passed.
    /// </summary>
    public static async Task<bool> ArrivedAsync(Func<CancellationToken, Task<bool>> arrived, TimeSpan wait, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (await arrived(ct))
            {
                return true;
            }
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }
}
