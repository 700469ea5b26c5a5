using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// The real store, except that a patient read returns only once <paramref name="readers"/>
/// reads have been made: every writer then works from the same revision.
/// </summary>
internal sealed class SameRevisionStore(IDocumentStore inner, int readers) : IDocumentStore
{
    private readonly TaskCompletionSource _allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reads;

    public async Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class
    {
        var found = await inner.FindAsync(collection, id, ct);
        if (collection.Name == RegistryCollections.Patients.Name)
        {
            if (Interlocked.Increment(ref _reads) == readers)
            {
                _allRead.SetResult();
            }
            await _allRead.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }
        return found;
    }

    public Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class =>
        inner.QueryAsync(collection, query, ct);

    public Task CommitAsync(ChangeSet changes, CancellationToken ct = default) => inner.CommitAsync(changes, ct);
}
