using System.Collections.Concurrent;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Testing;

/// <summary>
/// A store that counts the documents each collection's queries returned and keeps the queries: how a test sees
/// that a job read only what was due, not everything of a status.
/// </summary>
public sealed class ReadCountingStore(IDocumentStore inner) : IDocumentStore
{
    private readonly ConcurrentDictionary<string, int> _read = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Collection, DocumentQuery Query)> _queries = new();

    /// <summary>Documents of <paramref name="collection"/> that queries returned since the last <see cref="Reset"/>.</summary>
    public int ReadOf<T>(Collection<T> collection) where T : class => _read.GetValueOrDefault(collection.Name);

    /// <summary>The queries of <paramref name="collection"/> since the last <see cref="Reset"/>, in order.</summary>
    public IReadOnlyList<DocumentQuery> QueriesOf<T>(Collection<T> collection) where T : class =>
        [.. _queries.Where(q => q.Collection == collection.Name).Select(q => q.Query)];

    public void Reset()
    {
        _read.Clear();
        _queries.Clear();
    }

    public Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class =>
        inner.FindAsync(collection, id, ct);

    public async Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(collection);
        _queries.Enqueue((collection.Name, query));
        var page = await inner.QueryAsync(collection, query, ct);
        _read.AddOrUpdate(collection.Name, page.Items.Count, (_, count) => count + page.Items.Count);
        return page;
    }

    public Task CommitAsync(ChangeSet changes, CancellationToken ct = default) => inner.CommitAsync(changes, ct);
}
