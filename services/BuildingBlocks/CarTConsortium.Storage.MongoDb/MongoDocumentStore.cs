using System.Collections.Concurrent;
using CarTConsortium.BuildingBlocks.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// The storage port on one MongoDB database (one per service). Each logical collection is a
/// Mongo collection of <c>{ _id, version, body, keys }</c>; the outbox, inbox and dead letters
/// live beside them in <c>_outbox</c>, <c>_inbox</c> and <c>_dead_letters</c> (a logical
/// collection name cannot start with an underscore, so they never clash).
/// </summary>
/// <remarks>
/// <see cref="CommitAsync"/> uses a multi-document transaction, which MongoDB allows only on a
/// replica set or sharded cluster (a single-node replica set will do for development), version
/// 4.4 or later so that a first insert may create its collection inside the transaction.
/// </remarks>
public sealed partial class MongoDocumentStore(IMongoDatabase database, OutboxSignal signal, TimeProvider? clock = null)
    : IDocumentStore, IOutbox, IInbox, IDeadLetterStore
{
    internal const string OutboxCollection = "_outbox";
    internal const string InboxCollection = "_inbox";
    internal const string DeadLetterCollection = "_dead_letters";
    internal const string CounterCollection = "_counters";
    internal const string HealthProbeCollection = "_health_probe";

    private const int NamespaceExistsCode = 48;
    private const int DuplicateKeyCode = 11000;
    private const string DeadLetteredAtSortField = "deadLetteredAt." + BsonMapping.TimestampSortField;

    // A document another commit changed since this transaction began gives a write conflict,
    // which the driver retries; the retry sees the new version and reports a stale one.
    // Majority, so a commit the caller saw succeed survives a failover.
    private static readonly TransactionOptions CommitTransaction =
        new(readConcern: ReadConcern.Snapshot, readPreference: ReadPreference.Primary, writeConcern: WriteConcern.WMajority);

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _outbox = database.GetCollection<BsonDocument>(OutboxCollection);
    private readonly IMongoCollection<BsonDocument> _inbox = database.GetCollection<BsonDocument>(InboxCollection);
    private readonly IMongoCollection<BsonDocument> _deadLetters = database.GetCollection<BsonDocument>(DeadLetterCollection);
    private readonly IMongoCollection<BsonDocument> _counters = database.GetCollection<BsonDocument>(CounterCollection);

    // "collection/key" pairs whose query index exists, so each is created once per process.
    private readonly ConcurrentDictionary<string, bool> _indexedKeys = new(StringComparer.Ordinal);

    private Task? _schema;

    /// <summary>The app's clock: it dates inbox marks, which pruning compares against it.</summary>
    private TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    /// <summary>
    /// Creates the store's own collections and indexes if they are missing. Safe to call any
    /// number of times; the store also calls it itself before it first needs them.
    /// </summary>
    public Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        var current = Volatile.Read(ref _schema);
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            // Not tied to one caller's token: every caller waits on the same work.
            var started = CreateSchemaAsync();
            Interlocked.CompareExchange(ref _schema, started, current);
            current = started;
        }
        return current.WaitAsync(ct);
    }

    /// <summary>The database's name, for errors and health reports.</summary>
    public string DatabaseName => database.DatabaseNamespace.DatabaseName;

    /// <summary>
    /// A ping, then one acknowledged (majority) write of a probe document: proof that the database
    /// answers and takes commits now.
    /// </summary>
    public async Task ProbeWriteAsync(DateTimeOffset at, CancellationToken ct)
    {
        await database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: ct);
        await database.GetCollection<BsonDocument>(HealthProbeCollection).WithWriteConcern(WriteConcern.WMajority).ReplaceOneAsync(
            Filter.Eq("_id", "probe"), new BsonDocument { { "_id", "probe" }, { "probedAt", at.UtcDateTime } },
            new ReplaceOptions { IsUpsert = true }, ct);
    }

    public async Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class
    {
        var document = await Documents(collection.Name).Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(ct);
        return document is null ? null : BsonMapping.ToStored(collection, document);
    }

    public async Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class
    {
        var (documents, conditions) = await KeyFilterAsync(collection, query, ct);
        if (query.AfterId is not null)
        {
            conditions.Add(Filter.Gt("_id", query.AfterId));
        }
        var filter = conditions.Count == 0 ? Filter.Empty : Filter.And(conditions);

        var limit = Math.Clamp(query.Limit, 1, DocumentQuery.MaxLimit);
        // One more than a page tells whether another page follows.
        var found = await documents.Find(filter)
            .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
            .Limit(limit + 1)
            .ToListAsync(ct);

        var items = found.Take(limit).Select(document => BsonMapping.ToStored(collection, document)).ToList();
        return new Page<T>(items, found.Count > limit ? items[^1].Id : null);
    }

    /// <summary>Counted by the server in the key indexes, no document sent; the count stops at <paramref name="most"/>.</summary>
    public async Task<int> CountUpToAsync<T>(Collection<T> collection, DocumentQuery query, int most, CancellationToken ct = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(query);
        if (most <= 0)
        {
            return 0;
        }
        var (documents, conditions) = await KeyFilterAsync(collection, query, ct);
        var filter = conditions.Count == 0 ? Filter.Empty : Filter.And(conditions);
        return (int)await documents.CountDocumentsAsync(filter, new CountOptions { Limit = most }, ct);
    }

    /// <summary>The collection's documents, indexed for the query's keys, and one condition per key (declared keys only).</summary>
    private async Task<(IMongoCollection<BsonDocument> Documents, List<FilterDefinition<BsonDocument>> Conditions)> KeyFilterAsync<T>(
        Collection<T> collection, DocumentQuery query, CancellationToken ct) where T : class
    {
        foreach (var key in query.Where.Keys)
        {
            if (!collection.HasKey(key))
            {
                throw new ArgumentException($"The {collection.Name} collection has no key '{key}' to filter on.", nameof(query));
            }
        }
        var documents = Documents(collection.Name);
        await EnsureKeyIndexesAsync(documents, collection.Name, query.Where.Keys, ct);
        return (documents, query.Where.Select(entry => Filter.Eq("keys." + entry.Key, entry.Value)).ToList());
    }

    public async Task CommitAsync(ChangeSet changes, CancellationToken ct = default)
    {
        if (changes.Writes.Count == 0 && changes.Events.Count == 0 && changes.Handled is null && changes.DeadLettered is null
            && changes.Replayed is null)
        {
            return;
        }

        await EnsureSchemaAsync(ct);

        // Built once: a retried transaction writes exactly the same documents.
        var writes = changes.Writes
            .Select(write => (Write: write, Document: BsonMapping.ToDocument(write, write.ExpectedVersion + 1)))
            .ToList();
        var events = changes.Events.Select(BsonMapping.ToDocument).ToList();
        var handled = changes.Handled;
        var inboxMark = handled is null ? null : BsonMapping.ToDocument(handled, Clock.GetUtcNow());
        var deadLetter = changes.DeadLettered is { } letter ? BsonMapping.ToDocument(letter) : null;

        using var session = await database.Client.StartSessionAsync(cancellationToken: ct);
        // The driver retries the callback on TransientTransactionError (write conflicts) and the
        // commit on UnknownTransactionCommitResult. Any other exception aborts the transaction
        // and reaches the caller unwrapped, so the domain exceptions below surface as thrown.
        await WithConflictsAbortedAsync(session,
            async (transaction, token) =>
            {
                // The inbox mark goes first: a repeated delivery then fails as "already handled"
                // rather than on whichever of its writes collides first.
                if (handled is not null && inboxMark is not null)
                {
                    try
                    {
                        await _inbox.InsertOneAsync(transaction, inboxMark, cancellationToken: token);
                    }
                    catch (MongoException e) when (IsDuplicateKey(e))
                    {
                        throw new EventAlreadyHandledException(handled);
                    }
                }
                if (changes.Replayed is { } replay)
                {
                    await SettleReplayAsync(transaction, replay, token);
                }
                foreach (var (write, document) in writes)
                {
                    await ApplyWriteAsync(transaction, write, document, token);
                }
                if (events.Count > 0)
                {
                    // Commit order, not id order (UUIDv7 ids are random within a millisecond):
                    // a counter bumped in the transaction numbers the events. Concurrent
                    // committers conflict on it, and the driver retries the loser.
                    var counter = await _counters.FindOneAndUpdateAsync(transaction,
                        Filter.Eq("_id", OutboxCollection),
                        Builders<BsonDocument>.Update.Inc("seq", (long)events.Count),
                        new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
                        token);
                    var first = counter["seq"].ToInt64() - events.Count + 1;
                    var numbered = events.Select((e, i) => new BsonDocument(e) { ["seq"] = first + i }).ToList();
                    await _outbox.InsertManyAsync(transaction, numbered, new InsertManyOptions { IsOrdered = true }, token);
                }
                if (deadLetter is not null)
                {
                    await _deadLetters.InsertOneAsync(transaction, deadLetter, cancellationToken: token);
                }
                return true;
            },
            CommitTransaction,
            ct);

        if (events.Count > 0)
        {
            signal.Notify();
        }
    }

    public async Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int max, CancellationToken ct = default)
    {
        // Mongo reads a limit of 0 as "no limit"; asking for nothing gets nothing.
        if (max <= 0)
        {
            return [];
        }
        await EnsureSchemaAsync(ct);
        var pending = await _outbox.Find(Filter.Eq("publishedAt", BsonNull.Value) & Filter.Eq("parkedAt", BsonNull.Value))
            .Sort(Builders<BsonDocument>.Sort.Ascending("seq"))
            .Limit(max)
            .ToListAsync(ct);
        return pending.Select(BsonMapping.ToOutboxMessage).ToList();
    }

    public async Task MarkPublishedAsync(string messageId, CancellationToken ct = default)
    {
        // The app's clock, which pruning compares against; only the first publication is recorded (a relay may repeat one).
        await _outbox.UpdateOneAsync(
            Filter.Eq("_id", messageId) & Filter.Eq("publishedAt", BsonNull.Value),
            Builders<BsonDocument>.Update.Set("publishedAt", Clock.GetUtcNow().UtcDateTime),
            cancellationToken: ct);
    }

    public async Task<bool> HasHandledAsync(string consumer, string eventId, CancellationToken ct = default) =>
        await _inbox.Find(Filter.Eq("_id", BsonMapping.InboxId(consumer, eventId))).Limit(1).AnyAsync(ct);

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int max, CancellationToken ct = default)
    {
        if (max <= 0)
        {
            return [];
        }
        await EnsureSchemaAsync(ct);
        var newest = await _deadLetters.Find(Filter.Empty)
            .Sort(Builders<BsonDocument>.Sort.Descending(DeadLetteredAtSortField).Descending("_id"))
            .Limit(max)
            .ToListAsync(ct);
        return newest.Select(BsonMapping.ToDeadLetter).ToList();
    }

    private IMongoCollection<BsonDocument> Documents(string collection) => database.GetCollection<BsonDocument>(collection);

    private async Task ApplyWriteAsync(IClientSessionHandle session, DocumentWrite write, BsonDocument document, CancellationToken ct)
    {
        var documents = Documents(write.Collection);
        if (write.ExpectedVersion == 0)
        {
            try
            {
                await documents.InsertOneAsync(session, document, cancellationToken: ct);
            }
            catch (MongoException e) when (IsDuplicateKey(e))
            {
                throw new DocumentExistsException(write.Collection, write.Id);
            }
            return;
        }

        var replaced = await documents.ReplaceOneAsync(
            session,
            Filter.Eq("_id", write.Id) & Filter.Eq("version", write.ExpectedVersion),
            document,
            cancellationToken: ct);
        if (replaced.MatchedCount == 0)
        {
            throw new StaleVersionException(write.Collection, write.Id);
        }
    }

    /// <summary>Only a duplicate key is translated; anything else (notably transient errors) must reach the driver as is.</summary>
    private static bool IsDuplicateKey(MongoException exception) => exception switch
    {
        MongoWriteException write => write.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(error => error.Category == ServerErrorCategory.DuplicateKey),
        MongoCommandException command => command.Code == DuplicateKeyCode,
        _ => false,
    };

    private async Task CreateSchemaAsync()
    {
        // Created up front rather than implicitly inside a first transaction, where two
        // concurrent creations of one collection would conflict.
        foreach (var name in new[] { InboxCollection, CounterCollection })
        {
            try
            {
                await database.CreateCollectionAsync(name);
            }
            catch (MongoCommandException e) when (e.Code == NamespaceExistsCode)
            {
                // Already there.
            }
        }

        // Serves ReadPendingAsync: unpublished messages in commit order.
        await _outbox.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Builders<BsonDocument>.IndexKeys.Ascending("publishedAt").Ascending("seq")));
        // Serves ListAsync: newest first.
        await _deadLetters.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Builders<BsonDocument>.IndexKeys.Descending(DeadLetteredAtSortField).Descending("_id")));
        await CreateDeliverySchemaAsync();
        await CreateOutboxOperationsIndexesAsync();
        await RepairLostMarksAsync();
    }

    /// <summary>
    /// The previous release's pruning deleted inbox marks of events still dead-lettered, so a redelivery would apply
    /// the event and the letter's replay again: every letter gets its mark back, dated now (pruning keeps it while the
    /// letter exists). Safe at every start: an existing mark is left as it is. Paged by the letters' _id.
    /// </summary>
    private async Task RepairLostMarksAsync()
    {
        var handledAt = new BsonDateTime(Clock.GetUtcNow().UtcDateTime);
        BsonValue? after = null;
        while (true)
        {
            var letters = await _deadLetters.Find(after is null ? Filter.Empty : Filter.Gt("_id", after))
                .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
                .Project(Builders<BsonDocument>.Projection.Include("_id").Include("consumer").Include("eventId"))
                .Limit(PrunePageSize)
                .ToListAsync();
            if (letters.Count == 0)
            {
                return;
            }
            var upserts = letters.Select(letter => new UpdateOneModel<BsonDocument>(
                    Filter.Eq("_id", BsonMapping.InboxId(letter["consumer"].AsString, letter["eventId"].AsString)),
                    Builders<BsonDocument>.Update
                        .SetOnInsert("consumer", letter["consumer"].AsString)
                        .SetOnInsert("eventId", letter["eventId"].AsString)
                        .SetOnInsert("handledAt", handledAt))
            { IsUpsert = true })
                .ToList();
            try
            {
                await _inbox.BulkWriteAsync(upserts, new BulkWriteOptions { IsOrdered = false });
            }
            catch (MongoBulkWriteException e) when (IsDuplicateKey(e) && e.WriteErrors.All(error => error.Category == ServerErrorCategory.DuplicateKey))
            {
                // Another replica starting at once inserted the same marks: they are there, which is all this wants.
            }
            after = letters[^1]["_id"];
        }
    }

    /// <summary>
    /// The port does not list a collection's keys, so the index for a key is created the
    /// first time a query filters on it: equality on the key, then id order for paging.
    /// </summary>
    private async Task EnsureKeyIndexesAsync(IMongoCollection<BsonDocument> documents, string collection, IEnumerable<string> keys, CancellationToken ct)
    {
        foreach (var key in keys)
        {
            var indexed = collection + "/" + key;
            if (_indexedKeys.ContainsKey(indexed))
            {
                continue;
            }
            await documents.Indexes.CreateOneAsync(
                new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("keys." + key).Ascending("_id")),
                cancellationToken: ct);
            _indexedKeys.TryAdd(indexed, true);
        }
    }
}
