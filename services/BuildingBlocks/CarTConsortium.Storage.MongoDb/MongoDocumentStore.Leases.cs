using CarTConsortium.BuildingBlocks.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// Named leases in <c>_leases</c>, one document per lease. Taking one is a single findOneAndUpdate whose
/// filter is <see cref="LeaseRule.MayTake"/> (no holder, expired, or this holder) with upsert: when another
/// holder has it, nothing matches and the upsert's insert fails on the lease's _id, so two replicas never
/// both get it.
/// </summary>
public sealed partial class MongoDocumentStore : ILeaseStore
{
    internal const string LeaseCollection = "_leases";

    private IMongoCollection<BsonDocument> Leases => database.GetCollection<BsonDocument>(LeaseCollection);

    public async Task<LeaseGrant?> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default)
    {
        var expiresAt = now + duration;
        var mayTake = Filter.Eq("_id", name) & (Filter.Eq("holder", BsonNull.Value) | Filter.Eq("holder", holder) | Filter.Lte("expiresAt", now.UtcDateTime));
        try
        {
            var before = await Leases.WithWriteConcern(WriteConcern.WMajority).FindOneAndUpdateAsync(mayTake,
                Builders<BsonDocument>.Update.Set("holder", holder).Set("expiresAt", expiresAt.UtcDateTime).Set("wakeRequested", false),
                new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.Before },
                ct);
            return new LeaseGrant(expiresAt, before is not null && before.GetValue("wakeRequested", false).ToBoolean());
        }
        catch (MongoException e) when (IsDuplicateKey(e))
        {
            return null;
        }
    }

    public async Task ReleaseAsync(string name, string holder, CancellationToken ct = default) =>
        await Leases.WithWriteConcern(WriteConcern.WMajority).UpdateOneAsync(Filter.Eq("_id", name) & Filter.Eq("holder", holder),
            Builders<BsonDocument>.Update.Set("holder", BsonNull.Value), cancellationToken: ct);

    public async Task RequestWakeAsync(string name, CancellationToken ct = default) =>
        // A lease never taken yet gets a free record (no holder, long expired), so that its first holder sees the request.
        await Leases.UpdateOneAsync(Filter.Eq("_id", name),
            Builders<BsonDocument>.Update.Set("wakeRequested", true)
                .SetOnInsert("holder", BsonNull.Value)
                .SetOnInsert("expiresAt", DateTime.UnixEpoch),
            new UpdateOptions { IsUpsert = true }, ct);
}
