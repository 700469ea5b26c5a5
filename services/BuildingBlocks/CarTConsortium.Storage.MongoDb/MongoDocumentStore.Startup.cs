using CarTConsortium.BuildingBlocks.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// What the store does once at start: refuse a server that cannot run it, create the declared
/// collections' key indexes, and back-fill keys added since the documents were written.
/// </summary>
public sealed partial class MongoDocumentStore
{
    /// <summary>Which (collection, key) pairs every stored document has been given; a key missing here is back-filled once.</summary>
    internal const string CollectionKeysCollection = "_collection_keys";

    internal const string StartupProbeCollection = "_startup_probe";

    /// <summary>How many documents one back-fill round reads and rewrites.</summary>
    public const int BackfillBatchSize = 200;

    /// <summary>
    /// Checks that the server is a replica set member or a mongos (<c>hello</c>) and that a
    /// transaction commits on it: otherwise every commit would fail, so the host must not start.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The server cannot run the store; the message names the fix.</exception>
    public async Task CheckDeploymentAsync(CancellationToken ct)
    {
        var hello = await database.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: ct);
        if (MongoDeploymentRule.Problem(hello, DatabaseName) is { } problem)
        {
            throw new StoreUnavailableException(problem);
        }

        await CreateIfMissingAsync(StartupProbeCollection, ct);
        var probes = database.GetCollection<BsonDocument>(StartupProbeCollection);
        try
        {
            using var session = await database.Client.StartSessionAsync(cancellationToken: ct);
            await session.WithTransactionAsync(
                (transaction, token) => probes.ReplaceOneAsync(transaction, Filter.Eq("_id", "probe"),
                    new BsonDocument { { "_id", "probe" }, { "at", DateTime.UtcNow } }, new ReplaceOptions { IsUpsert = true }, token),
                CommitTransaction, ct);
        }
        catch (Exception e) when (e is MongoException or NotSupportedException)
        {
            throw new StoreUnavailableException(
                $"A probe transaction on the {DatabaseName} database did not commit ({e.Message}): every change needs one. "
                + $"If the server is not a replica set: {MongoDeploymentRule.ReplicaSetFix}.", e);
        }
    }

    /// <summary>
    /// Creates the key indexes of <paramref name="collections"/> (so no request creates one) and
    /// gives documents written before a key was declared that key, computed from their body.
    /// Idempotent: a key is back-filled once, and a repeated run changes nothing.
    /// </summary>
    /// <returns>How many documents got their keys recomputed.</returns>
    public async Task<int> PrepareCollectionsAsync(IEnumerable<IDocumentCollection> collections, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        var marks = database.GetCollection<BsonDocument>(CollectionKeysCollection);
        var done = (await marks.Find(Filter.Empty).ToListAsync(ct)).Select(mark => mark["_id"].AsString).ToHashSet(StringComparer.Ordinal);
        var backfilled = 0;
        foreach (var collection in DocumentCollectionsRegistration.Distinct(collections))
        {
            await EnsureKeyIndexesAsync(Documents(collection.Name), collection.Name, collection.KeyNames, ct);
            var missing = collection.KeyNames.Where(key => !done.Contains(collection.Name + "/" + key)).ToList();
            if (missing.Count == 0)
            {
                continue;
            }
            backfilled += await BackfillKeysAsync(collection, missing, ct);
            foreach (var key in missing)
            {
                await marks.ReplaceOneAsync(Filter.Eq("_id", collection.Name + "/" + key),
                    new BsonDocument { { "_id", collection.Name + "/" + key }, { "at", DateTime.UtcNow } },
                    new ReplaceOptions { IsUpsert = true }, ct);
            }
        }
        return backfilled;
    }

    private async Task<int> BackfillKeysAsync(IDocumentCollection collection, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var documents = Documents(collection.Name);
        var lacking = Filter.Or(keys.Select(key => Filter.Exists("keys." + key, exists: false)));
        var rewritten = 0;
        string? after = null;
        while (true)
        {
            var batch = await documents.Find(after is null ? lacking : lacking & Filter.Gt("_id", after))
                .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
                .Limit(BackfillBatchSize)
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                return rewritten;
            }
            // Only the keys change, and only if the document is still the version read: a
            // concurrent write has stored keys of its own, computed by this release.
            var updates = batch.Select(document => new UpdateOneModel<BsonDocument>(
                Filter.Eq("_id", document["_id"]) & Filter.Eq("version", document["version"]),
                Builders<BsonDocument>.Update.Set("keys",
                    new BsonDocument(collection.KeysOfStored(document["body"].AsString).Select(key => new BsonElement(key.Key, key.Value))))))
                .ToList();
            var result = await documents.BulkWriteAsync(updates, new BulkWriteOptions { IsOrdered = false }, ct);
            rewritten += (int)result.ModifiedCount;
            after = batch[^1]["_id"].AsString;
        }
    }

    private async Task CreateIfMissingAsync(string name, CancellationToken ct)
    {
        try
        {
            await database.CreateCollectionAsync(name, cancellationToken: ct);
        }
        catch (MongoCommandException e) when (e.Code == NamespaceExistsCode)
        {
            // Already there.
        }
    }

    /// <summary>Runs a transaction; one that still conflicts after the driver's retries reaches the caller as ABORTED.</summary>
    private async Task WithConflictsAbortedAsync(IClientSessionHandle session,
        Func<IClientSessionHandle, CancellationToken, Task<bool>> callback, TransactionOptions options, CancellationToken ct)
    {
        try
        {
            await session.WithTransactionAsync(callback, options, ct);
        }
        catch (MongoException e) when (MongoConflicts.IsConflict(e))
        {
            throw MongoConflicts.ToConflict(e, DatabaseName);
        }
    }
}
