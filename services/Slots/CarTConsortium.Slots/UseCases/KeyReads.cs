using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Slots.UseCases;

public static class KeyReads
{
    /// <summary>Every document filed under one of <paramref name="values"/> of <paramref name="key"/>: the buckets a narrowed read takes, one query each.</summary>
    public static async Task<List<Stored<T>>> QueryBucketsAsync<T>(this IDocumentStore store, Collection<T> collection, string key, IEnumerable<string> values,
        CancellationToken ct) where T : class
    {
        var found = new List<Stored<T>>();
        foreach (var value in values)
        {
            found.AddRange(await store.QueryAllAsync(collection, DocumentQuery.All.WhereKey(key, value), ct));
        }
        return found;
    }
}
