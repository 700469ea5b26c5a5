using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Benchmarks;

/// <summary>Inserts gathered into commits of <see cref="Size"/> writes: one transaction (and one fsync) per thousands of documents.</summary>
public sealed class StoreBatch(IDocumentStore store)
{
    public const int Size = 5000;

    private ChangeSet _changes = new();

    public int Written { get; private set; }

    public async Task InsertAsync<T>(Collection<T> collection, string id, T value, CancellationToken ct) where T : class
    {
        _changes.Insert(collection, id, value);
        if (_changes.Writes.Count >= Size)
        {
            await FlushAsync(ct);
        }
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        if (_changes.Writes.Count == 0)
        {
            return;
        }
        await store.CommitAsync(_changes, ct);
        Written += _changes.Writes.Count;
        _changes = new ChangeSet();
    }
}
