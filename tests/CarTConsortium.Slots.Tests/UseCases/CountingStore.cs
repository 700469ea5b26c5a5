using System.Collections.Concurrent;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// The store the use cases are given: counts the reads of each collection (how a test sees that an
/// attempt was not run again, and that a use case reads no more as history grows) and can step in just before one read (how a test puts another
/// caller's change at an exact point of a use case).
/// </summary>
public sealed class CountingStore(IDocumentStore inner) : IDocumentStore
{
    private readonly ConcurrentDictionary<string, int> _finds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _returned = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Collection, DocumentQuery Query)> _queries = new();
    private (string Collection, string Id, Func<Task> Action)? _before;

    /// <summary>How many times a document of <paramref name="collection"/> was read by id.</summary>
    public int FindsOf<T>(Collection<T> collection) where T : class => _finds.GetValueOrDefault(collection.Name);

    /// <summary>Documents of each collection read since the last <see cref="ResetReads"/>: found by id, or returned by a query.</summary>
    public IReadOnlyDictionary<string, int> DocumentsRead() =>
        _finds.Keys.Union(_returned.Keys).ToDictionary(c => c, c => _finds.GetValueOrDefault(c) + _returned.GetValueOrDefault(c), StringComparer.Ordinal);

    /// <summary>The queries of <paramref name="collection"/> since the last <see cref="ResetReads"/>, in order.</summary>
    public IReadOnlyList<DocumentQuery> QueriesOf<T>(Collection<T> collection) where T : class =>
        [.. _queries.Where(q => q.Collection == collection.Name).Select(q => q.Query)];

    public void ResetReads()
    {
        _finds.Clear();
        _returned.Clear();
        _queries.Clear();
    }

    /// <summary>Runs <paramref name="action"/> once, just before the next read of document <paramref name="id"/> of <paramref name="collection"/>.</summary>
    public void BeforeNextFind<T>(Collection<T> collection, string id, Func<Task> action) where T : class => _before = (collection.Name, id, action);

    public async Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class
    {
        _finds.AddOrUpdate(collection.Name, 1, (_, count) => count + 1);
        if (_before is { } before && before.Collection == collection.Name && before.Id == id)
        {
            _before = null;
            await before.Action();
        }
        return await inner.FindAsync(collection, id, ct);
    }

    public async Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(collection);
        _queries.Enqueue((collection.Name, query));
        var page = await inner.QueryAsync(collection, query, ct);
        _returned.AddOrUpdate(collection.Name, page.Items.Count, (_, count) => count + page.Items.Count);
        return page;
    }

    /// <summary>The file's own count (in its key indexes), not the port's default that pages through the documents.</summary>
    public Task<int> CountUpToAsync<T>(Collection<T> collection, DocumentQuery query, int most, CancellationToken ct = default) where T : class =>
        inner.CountUpToAsync(collection, query, most, ct);

    public Task CommitAsync(ChangeSet changes, CancellationToken ct = default) => inner.CommitAsync(changes, ct);
}
