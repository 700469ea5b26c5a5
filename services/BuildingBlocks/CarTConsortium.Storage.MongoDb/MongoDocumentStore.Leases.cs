using CarTConsortium.BuildingBlocks.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// Named leases in <c>_leases</c>, one document per lease. Taking one is a single findOneAndUpdate on the lease's
/// _id with upsert, whose update pipeline applies <see cref="LeaseRule.MayTake"/> (no holder, expired, or this
/// holder) and sets the new holder only when it allows: the document is changed atomically, and two replicas
/// inserting a lease never taken meet on its _id, so two replicas never both get it.
/// </summary>
/// <remarks>
/// Replicas on several machines must judge expiry by one clock, or a replica whose clock runs ahead takes a lease
/// that has not expired for its holder. So the server's clock (<c>$$NOW</c>) decides both whether the lease has
/// expired and until when it is taken; the caller's <c>now</c> is not used. (The take's rule cannot sit in the
/// filter: the server refuses <c>$expr</c> in an upsert's filter.) Replica-set members must therefore keep their
/// clocks within the safety margin (<see cref="CarTConsortium.BuildingBlocks.Leases.LeaseOptions.SafetyMargin"/>, a third of the
/// duration) of each other: a server clock stepped forward, e.g. on a new primary, shortens a lease its holder still works under.
/// </remarks>
public sealed partial class MongoDocumentStore : ILeaseStore
{
    internal const string LeaseCollection = "_leases";

    private IMongoCollection<BsonDocument> Leases => database.GetCollection<BsonDocument>(LeaseCollection);

    public async Task<LeaseGrant?> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default)
    {
        try
        {
            var after = await Leases.WithWriteConcern(WriteConcern.WMajority).FindOneAndUpdateAsync(Filter.Eq("_id", name),
                Builders<BsonDocument>.Update.Pipeline(TakePipeline(holder, duration)),
                new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
                ct);
            // Left as it was: another holder has it.
            if (after?.GetValue("holder", BsonNull.Value) is not BsonString taken || taken.Value != holder)
            {
                return null;
            }
            return new LeaseGrant(new DateTimeOffset(after["expiresAt"].ToUniversalTime()), after.GetValue("wakeHanded", false).ToBoolean());
        }
        catch (MongoException e) when (IsDuplicateKey(e))
        {
            // Another replica inserted the lease between this call's look and its insert: it has it.
            return null;
        }
    }

    /// <summary>
    /// Takes the lease for <paramref name="holder"/> when the rule allows, else leaves the document as it was.
    /// <c>wakeHanded</c> keeps the wake-up request the take consumed, so that the updated document tells the holder.
    /// </summary>
    private static BsonDocument[] TakePipeline(string holder, TimeSpan duration)
    {
        // $literal: a holder id is data, never a field path.
        var me = new BsonDocument("$literal", holder);
        var mayTake = new BsonDocument("$or", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$holder", BsonNull.Value }), BsonNull.Value }),
            new BsonDocument("$eq", new BsonArray { "$holder", me }),
            new BsonDocument("$lte", new BsonArray { "$expiresAt", "$$NOW" }),
        });
        static BsonDocument IfTaken(BsonValue taken, BsonValue kept) => new("$cond", new BsonArray { "$_take", taken, kept });
        return
        [
            new BsonDocument("$set", new BsonDocument("_take", mayTake)),
            new BsonDocument("$set", new BsonDocument
            {
                { "holder", IfTaken(me, "$holder") },
                { "expiresAt", IfTaken(new BsonDocument("$add", new BsonArray { "$$NOW", (long)duration.TotalMilliseconds }), "$expiresAt") },
                { "wakeHanded", IfTaken(new BsonDocument("$ifNull", new BsonArray { "$wakeRequested", false }), "$wakeHanded") },
                { "wakeRequested", IfTaken(false, "$wakeRequested") },
            }),
            new BsonDocument("$unset", "_take"),
        ];
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
