using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Inserts gathered into commits of <see cref="Size"/> writes: one transaction (and one fsync) per thousands of documents.
/// A full batch commits on the file's writer thread while the next is gathered; at most one commit is in flight.
/// </summary>
public sealed class StoreBatch(IDocumentStore store)
{
    public const int Size = 5000;

    private ChangeSet _changes = new();
    private Task _committing = Task.CompletedTask;
    private int _inFlight;

    public int Written { get; private set; }

    public async Task InsertAsync<T>(Collection<T> collection, string id, T value, CancellationToken ct) where T : class
    {
        _changes.Insert(collection, id, value);
        if (_changes.Writes.Count >= Size)
        {
            await StartCommitAsync(ct);
        }
    }

    /// <summary>Commits what is gathered and waits until every commit is done.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await StartCommitAsync(ct);
        await SettleAsync();
    }

    private async Task StartCommitAsync(CancellationToken ct)
    {
        await SettleAsync();
        if (_changes.Writes.Count == 0)
        {
            return;
        }
        _inFlight = _changes.Writes.Count;
        _committing = store.CommitAsync(_changes, ct);
        _changes = new ChangeSet();
    }

    private async Task SettleAsync()
    {
        await _committing;
        Written += _inFlight;
        _inFlight = 0;
    }
}
