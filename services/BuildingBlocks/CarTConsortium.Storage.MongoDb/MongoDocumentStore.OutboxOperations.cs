using CarTConsortium.BuildingBlocks.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// Parking, republishing and pruning on <c>_outbox</c> and <c>_inbox</c>. A parked event keeps its place
/// (its seq) and carries <c>parkedAt</c> and <c>parkReason</c>; <see cref="ReadPendingAsync"/> skips it.
/// </summary>
public sealed partial class MongoDocumentStore : IOutboxOperations, IEventRetention
{
    // $ne null matches only documents that have the field with a value.
    private static readonly FilterDefinition<BsonDocument> Parked = Builders<BsonDocument>.Filter.Ne("parkedAt", BsonNull.Value);

    /// <summary>Serves listing parked events in commit order and pruning the inbox by age; pruning the outbox uses its (publishedAt, seq) index.</summary>
    private async Task CreateOutboxOperationsIndexesAsync()
    {
        await _outbox.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Builders<BsonDocument>.IndexKeys.Ascending("parkedAt").Ascending("seq"),
            new CreateIndexOptions<BsonDocument> { PartialFilterExpression = Builders<BsonDocument>.Filter.Exists("parkedAt") }));
        await _inbox.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("handledAt")));
    }

    public async Task ParkAsync(string messageId, string reason, DateTimeOffset parkedAt, CancellationToken ct = default) =>
        await _outbox.UpdateOneAsync(Filter.Eq("_id", messageId) & Filter.Eq("publishedAt", BsonNull.Value),
            Builders<BsonDocument>.Update.Set("parkedAt", parkedAt.UtcDateTime).Set("parkReason", reason), cancellationToken: ct);

    public async Task<IReadOnlyList<ParkedEvent>> ListParkedAsync(int max, long? afterSeq, CancellationToken ct = default)
    {
        if (max <= 0)
        {
            return [];
        }
        var parked = await _outbox.Find(Parked & Filter.Gt("seq", afterSeq ?? 0))
            .Sort(Builders<BsonDocument>.Sort.Ascending("seq"))
            .Limit(max)
            .ToListAsync(ct);
        return parked.Select(document =>
        {
            var message = BsonMapping.ToOutboxMessage(document);
            return new ParkedEvent(document["seq"].ToInt64(), message.Id, message.Topic, message.OccurredAt, document["parkReason"].AsString,
                new DateTimeOffset(document["parkedAt"].ToUniversalTime(), TimeSpan.Zero));
        }).ToList();
    }

    public async Task<bool> RequeueParkedAsync(string messageId, CancellationToken ct = default)
    {
        var result = await _outbox.UpdateOneAsync(Filter.Eq("_id", messageId) & Parked,
            Builders<BsonDocument>.Update.Unset("parkedAt").Unset("parkReason"), cancellationToken: ct);
        if (result.ModifiedCount > 0)
        {
            signal.Notify();
        }
        return result.ModifiedCount > 0;
    }

    public async Task<IReadOnlyDictionary<string, long>> CountParkedAsync(CancellationToken ct = default)
    {
        var groups = await _outbox.Aggregate()
            .Match(Parked)
            .Group(new BsonDocument { { "_id", "$topic" }, { "count", new BsonDocument("$sum", 1) } })
            .ToListAsync(ct);
        return groups.ToDictionary(g => g["_id"].AsString, g => g["count"].ToInt64(), StringComparer.Ordinal);
    }

    public async Task<int> RepublishSinceAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        var result = await _outbox.UpdateManyAsync(Filter.Gte("publishedAt", since.UtcDateTime),
            Builders<BsonDocument>.Update.Set("publishedAt", BsonNull.Value), cancellationToken: ct);
        if (result.ModifiedCount > 0)
        {
            signal.Notify();
        }
        return (int)result.ModifiedCount;
    }

    /// <summary>How many old inbox marks one pruning step reads and deletes.</summary>
    public const int PrunePageSize = 1000;

    public async Task<PrunedEvents> PruneAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        // Marks written before they carried handledAt are dated now, so they go one retention later.
        await _inbox.UpdateManyAsync(Filter.Exists("handledAt", false),
            Builders<BsonDocument>.Update.Set("handledAt", Clock.GetUtcNow().UtcDateTime), cancellationToken: ct);
        // A null publishedAt (pending) never compares below a date, so pending and parked events stay.
        var outbox = await _outbox.DeleteManyAsync(Filter.Lt("publishedAt", before.UtcDateTime), ct);
        // A mark whose event is still a dead letter stays: without it a redelivery would apply the event, and the
        // letter's replay would apply it a second time. Paged, so no filter grows with the number of letters
        // (one $nin of every letter's mark passes the 16 MB limit at a few hundred thousand letters).
        var pruned = 0L;
        string? after = null;
        while (true)
        {
            var old = Filter.Lt("handledAt", before.UtcDateTime);
            var page = await _inbox.Find(after is null ? old : old & Filter.Gt("_id", after))
                .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
                .Project(Builders<BsonDocument>.Projection.Include("_id").Include("consumer").Include("eventId"))
                .Limit(PrunePageSize)
                .ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }
            // Through the (eventId, consumer) index on the letters.
            var lettered = (await _deadLetters.Find(Filter.In("eventId", page.Select(mark => mark["eventId"].AsString).Distinct(StringComparer.Ordinal)))
                    .Project(Builders<BsonDocument>.Projection.Include("consumer").Include("eventId"))
                    .ToListAsync(ct))
                .Select(letter => BsonMapping.InboxId(letter["consumer"].AsString, letter["eventId"].AsString))
                .ToHashSet(StringComparer.Ordinal);
            var unlettered = page.Select(mark => mark["_id"].AsString).Where(id => !lettered.Contains(id)).ToList();
            if (unlettered.Count > 0)
            {
                pruned += (await _inbox.DeleteManyAsync(Filter.In("_id", unlettered), ct)).DeletedCount;
            }
            after = page[^1]["_id"].AsString;
        }
        return new PrunedEvents((int)outbox.DeletedCount, (int)pruned);
    }
}
