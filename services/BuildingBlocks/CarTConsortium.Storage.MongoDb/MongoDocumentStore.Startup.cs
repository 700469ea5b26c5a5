using CarTConsortium.BuildingBlocks.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// What the store does once at start: refuse a server that cannot run it, create the declared
/// collections' key indexes, and back-fill keys the documents lack (again by the periodic sweep).
/// </summary>
public sealed partial class MongoDocumentStore : IKeyBackfill
{
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
    /// Creates the key indexes of <paramref name="collections"/> (so no request creates one) and rewrites the
    /// keys of documents whose key-set mark (<see cref="KeySetMark.Key"/>) is not the collection's current one,
    /// computed from their body. Run at every start and by the periodic sweep (<see cref="IKeyBackfill"/>); a
    /// repeated run with nothing new written reads nothing.
    /// </summary>
    /// <returns>How many documents got their keys recomputed.</returns>
    public async Task<int> PrepareCollectionsAsync(IEnumerable<IDocumentCollection> collections, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        var backfilled = 0;
        foreach (var collection in DocumentCollectionsRegistration.Distinct(collections))
        {
            if (collection.KeyNames.Count == 0)
            {
                continue;
            }
            var documents = Documents(collection.Name);
            await EnsureKeyIndexesAsync(documents, collection.Name, [.. collection.KeyNames, KeySetMark.Key], ct);
            // Documents of releases before the mark have none (equality on null matches a missing field, through
            // the index); then each other mark, found one index seek at a time, so a pass with nothing stale reads no document.
            backfilled += await BackfillMarkAsync(documents, collection, Filter.Eq(MarkField, BsonNull.Value), ct);
            var seen = "";
            while (await NextMarkAsync(documents, seen, ct) is { } mark)
            {
                if (mark != collection.KeySet)
                {
                    backfilled += await BackfillMarkAsync(documents, collection, Filter.Eq(MarkField, mark), ct);
                }
                seen = mark;
            }
        }
        return backfilled;
    }

    private const string MarkField = "keys." + KeySetMark.Key;

    private static async Task<string?> NextMarkAsync(IMongoCollection<BsonDocument> documents, string after, CancellationToken ct)
    {
        // $gt on a string matches strings only: missing marks are not returned.
        var next = await documents.Find(Filter.Gt(MarkField, after))
            .Sort(Builders<BsonDocument>.Sort.Ascending(MarkField))
            .Project(Builders<BsonDocument>.Projection.Include(MarkField).Exclude("_id"))
            .Limit(1)
            .FirstOrDefaultAsync(ct);
        return next?["keys"][KeySetMark.Key].AsString;
    }

    private static async Task<int> BackfillMarkAsync(IMongoCollection<BsonDocument> documents, IDocumentCollection collection,
        FilterDefinition<BsonDocument> stale, CancellationToken ct)
    {
        var rewritten = 0;
        string? after = null;
        while (true)
        {
            var batch = await documents.Find(after is null ? stale : stale & Filter.Gt("_id", after))
                .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
                .Limit(BackfillBatchSize)
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                return rewritten;
            }
            // Every document gets all its keys and the current mark, null keys included (one rule in both adapters);
            // only the keys change, and only if the document is still the version read: a concurrent write stored keys of its own.
            var updates = batch
                .Select(document => new UpdateOneModel<BsonDocument>(
                    Filter.Eq("_id", document["_id"]) & Filter.Eq("version", document["version"]),
                    Builders<BsonDocument>.Update.Set("keys", new BsonDocument(
                        collection.KeysOfStored(document["body"].AsString).Select(k => new BsonElement(k.Key, k.Value))))))
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
