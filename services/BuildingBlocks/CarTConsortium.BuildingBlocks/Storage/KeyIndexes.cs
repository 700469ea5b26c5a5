namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// Indexes a collection's query key ahead of the first query, for a collection that grows without end
/// (the registry's access log, a legal record that is never pruned), so that filtering on the key never
/// scans the collection.
/// </summary>
public interface IKeyIndexes
{
    /// <summary>Creates the index for equality on <paramref name="key"/> in id order, if it is missing.</summary>
    Task EnsureKeyIndexAsync<T>(Collection<T> collection, string key, CancellationToken ct = default) where T : class;
}
