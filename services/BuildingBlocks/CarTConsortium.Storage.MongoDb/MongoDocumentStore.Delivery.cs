using CarTConsortium.BuildingBlocks.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// Delivery attempts per (handler, event) in <c>_delivery_attempts</c>, the dead letters' operator side
/// (list, count, find) and a replay's commit.
/// </summary>
public sealed partial class MongoDocumentStore : IDeliveryAttemptStore, IDeadLetterOperations
{
    internal const string DeliveryAttemptCollection = "_delivery_attempts";

    private IMongoCollection<BsonDocument> Attempts => database.GetCollection<BsonDocument>(DeliveryAttemptCollection);

    public async Task<DeliveryAttempt> RecordAttemptAsync(string consumer, string eventId, DateTimeOffset at, CancellationToken ct = default)
    {
        // One atomic upsert: replicas counting the same event at once each add one. Ticks keep the time exact.
        var record = await Attempts.FindOneAndUpdateAsync(
            Filter.Eq("_id", BsonMapping.InboxId(consumer, eventId)),
            Builders<BsonDocument>.Update
                .SetOnInsert("consumer", consumer)
                .SetOnInsert("eventId", eventId)
                .SetOnInsert("firstAttemptAt", at.UtcTicks)
                .Inc("attempts", 1),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            ct);
        return ToAttempt(record);
    }

    public async Task RecordErrorAsync(string consumer, string eventId, string error, CancellationToken ct = default) =>
        await Attempts.UpdateOneAsync(Filter.Eq("_id", BsonMapping.InboxId(consumer, eventId)),
            Builders<BsonDocument>.Update.Set("lastError", error), cancellationToken: ct);

    public async Task<DeliveryAttempt?> FindAttemptAsync(string consumer, string eventId, CancellationToken ct = default)
    {
        var record = await Attempts.Find(Filter.Eq("_id", BsonMapping.InboxId(consumer, eventId))).FirstOrDefaultAsync(ct);
        return record is null ? null : ToAttempt(record);
    }

    public async Task ForgetAttemptsAsync(string consumer, string eventId, CancellationToken ct = default) =>
        await Attempts.DeleteOneAsync(Filter.Eq("_id", BsonMapping.InboxId(consumer, eventId)), ct);

    public async Task<DeadLetterPage> ListDeadLettersAsync(DeadLetterQuery query, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        var limit = Math.Clamp(query.Limit, 1, DocumentQuery.MaxLimit);
        var conditions = new List<FilterDefinition<BsonDocument>>();
        if (!string.IsNullOrEmpty(query.Topic))
        {
            conditions.Add(Filter.Eq("topic", query.Topic));
        }
        if (DeadLetterKey.TryParse(query.AfterKey, out var afterEvent, out var afterConsumer))
        {
            conditions.Add(Filter.Lt("eventId", afterEvent) | (Filter.Eq("eventId", afterEvent) & Filter.Lt("consumer", afterConsumer)));
        }
        var found = await _deadLetters.Find(conditions.Count == 0 ? Filter.Empty : Filter.And(conditions))
            .Sort(Builders<BsonDocument>.Sort.Descending("eventId").Descending("consumer"))
            .Limit(limit + 1)
            .ToListAsync(ct);
        var letters = found.Take(limit).Select(BsonMapping.ToDeadLetter).ToList();
        return new DeadLetterPage(letters, found.Count > limit ? letters[^1].Key : null);
    }

    public async Task<IReadOnlyDictionary<string, long>> CountDeadLettersByTopicAsync(CancellationToken ct = default)
    {
        var groups = await _deadLetters.Aggregate()
            .Group(new BsonDocument { { "_id", "$topic" }, { "count", new BsonDocument("$sum", 1L) } })
            .ToListAsync(ct);
        return groups.ToDictionary(g => g["_id"].AsString, g => g["count"].ToInt64(), StringComparer.Ordinal);
    }

    public async Task<DeadLetter?> FindDeadLetterAsync(string eventId, string consumer, CancellationToken ct = default)
    {
        var letter = await _deadLetters.Find(Filter.Eq("eventId", eventId) & Filter.Eq("consumer", consumer)).FirstOrDefaultAsync(ct);
        return letter is null ? null : BsonMapping.ToDeadLetter(letter);
    }

    // Called inside CommitAsync's transaction, before the handler's writes: a replay that lost to another stops here.
    // The unique (eventId, consumer) index finds the one letter, and its attempts (the letter's version) tell whether
    // another replay got there first; two at once also write-conflict, and the driver's retry then finds it changed.
    private async Task SettleReplayAsync(IClientSessionHandle transaction, ReplayedDeadLetter replay, CancellationToken ct)
    {
        var (letter, kept) = (replay.Letter, replay.KeptAs);
        var asRead = Filter.Eq("eventId", letter.EventId) & Filter.Eq("consumer", letter.Consumer) & Filter.Eq("attempts", letter.Attempts);
        long changed;
        if (kept is null)
        {
            changed = (await _deadLetters.DeleteOneAsync(transaction, asRead, cancellationToken: ct)).DeletedCount;
        }
        else
        {
            // In place: the replacement carries no _id, so the letter keeps its own.
            var replacement = BsonMapping.ToDocument(kept);
            replacement.Remove("_id");
            changed = (await _deadLetters.ReplaceOneAsync(transaction, asRead, replacement, cancellationToken: ct)).MatchedCount;
        }
        if (changed == 0)
        {
            throw new DeadLetterReplayConflictException(letter);
        }
        var id = Filter.Eq("_id", BsonMapping.InboxId(letter.Consumer, letter.EventId));
        await Attempts.DeleteOneAsync(transaction, id, cancellationToken: ct);
        // The dead-lettering's mark stays (redeliveries keep being skipped), dated by the replay so that pruning counts from it;
        // written again if pruning took it.
        await _inbox.UpdateOneAsync(transaction, id,
            Builders<BsonDocument>.Update
                .SetOnInsert("consumer", letter.Consumer)
                .SetOnInsert("eventId", letter.EventId)
                .Set("handledAt", new BsonDateTime(replay.At.UtcDateTime)),
            new UpdateOptions { IsUpsert = true }, ct);
    }

    // Called by CreateSchemaAsync: at start, not inside the first request.
    private async Task CreateDeliverySchemaAsync()
    {
        try
        {
            await database.CreateCollectionAsync(DeliveryAttemptCollection);
        }
        catch (MongoCommandException e) when (e.Code == NamespaceExistsCode)
        {
            // Already there.
        }
        // One letter per (event, handler), which is also the list's order and the release's lookup.
        await _deadLetters.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Builders<BsonDocument>.IndexKeys.Descending("eventId").Descending("consumer"), new CreateIndexOptions { Unique = true }));
        await _deadLetters.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Builders<BsonDocument>.IndexKeys.Ascending("topic").Descending("eventId").Descending("consumer")));
    }

    private static DeliveryAttempt ToAttempt(BsonDocument record) => new(
        record["consumer"].AsString,
        record["eventId"].AsString,
        new DateTimeOffset(record["firstAttemptAt"].ToInt64(), TimeSpan.Zero),
        record["attempts"].ToInt32(),
        record.GetValue("lastError", BsonNull.Value) is BsonString error ? error.Value : null);
}
