using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>The same index a first query on the key creates, made ahead of it.</summary>
public sealed partial class MongoDocumentStore : IKeyIndexes
{
    public Task EnsureKeyIndexAsync<T>(Collection<T> collection, string key, CancellationToken ct = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(collection);
        if (!collection.HasKey(key))
        {
            throw new ArgumentException($"The {collection.Name} collection has no key '{key}' to index.", nameof(key));
        }
        return EnsureKeyIndexesAsync(Documents(collection.Name), collection.Name, [key], ct);
    }
}
