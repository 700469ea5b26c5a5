using System.Collections.Concurrent;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// The store the use cases are given: counts the reads of each collection (how a test sees that an
/// attempt was not run again) and can step in just before one read (how a test puts another
/// caller's change at an exact point of a use case).
/// </summary>
public sealed class CountingStore(IDocumentStore inner) : IDocumentStore
{
    private readonly ConcurrentDictionary<string, int> _finds = new(StringComparer.Ordinal);
    private (string Collection, string Id, Func<Task> Action)? _before;

    /// <summary>How many times a document of <paramref name="collection"/> was read by id.</summary>
    public int FindsOf<T>(Collection<T> collection) where T : class => _finds.GetValueOrDefault(collection.Name);

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

    public Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class =>
        inner.QueryAsync(collection, query, ct);

    /// <summary>The file's own count (in its key indexes), not the port's default that pages through the documents.</summary>
    public Task<int> CountUpToAsync<T>(Collection<T> collection, DocumentQuery query, int most, CancellationToken ct = default) where T : class =>
        inner.CountUpToAsync(collection, query, most, ct);

    public Task CommitAsync(ChangeSet changes, CancellationToken ct = default) => inner.CommitAsync(changes, ct);
}
