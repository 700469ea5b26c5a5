namespace CarTConsortium.BuildingBlocks.Storage;

public static class QueryAll
{
    /// <summary>
    /// Every document matching <paramref name="query"/>'s filters, read page after page. For
    /// collections a use case must see whole (statistics, a matrix), and known to stay small
    /// enough to hold in memory.
    /// </summary>
    public static async Task<List<Stored<T>>> QueryAllAsync<T>(this IDocumentStore store, Collection<T> collection, DocumentQuery query, CancellationToken ct = default)
        where T : class
    {
        var all = new List<Stored<T>>();
        var next = query with { Limit = DocumentQuery.MaxLimit, AfterId = null };
        while (true)
        {
            var page = await store.QueryAsync(collection, next, ct);
            all.AddRange(page.Items);
            if (page.NextAfterId is null)
            {
                return all;
            }
            next = next with { AfterId = page.NextAfterId };
        }
    }
}
