using CarTConsortium.BuildingBlocks.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// Delivery attempts per (handler, event) in <c>_delivery_attempts</c>, and the dead letters' operator side:
/// list, count, release.
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

    public async Task<DeadLetter?> ReleaseDeadLetterAsync(string eventId, string consumer, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        var key = Filter.Eq("eventId", eventId) & Filter.Eq("consumer", consumer);
        using var session = await database.Client.StartSessionAsync(cancellationToken: ct);
        // The letter and its inbox mark go together: a replay that raced another finds no letter and stops.
        return await session.WithTransactionAsync<DeadLetter?>(
            async (transaction, token) =>
            {
                var letter = await _deadLetters.FindOneAndDeleteAsync(transaction, key, cancellationToken: token);
                if (letter is null)
                {
                    return null;
                }
                await _inbox.DeleteOneAsync(transaction, Filter.Eq("_id", BsonMapping.InboxId(consumer, eventId)), cancellationToken: token);
                await Attempts.DeleteOneAsync(transaction, Filter.Eq("_id", BsonMapping.InboxId(consumer, eventId)), cancellationToken: token);
                return BsonMapping.ToDeadLetter(letter);
            },
            CommitTransaction,
            ct);
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
