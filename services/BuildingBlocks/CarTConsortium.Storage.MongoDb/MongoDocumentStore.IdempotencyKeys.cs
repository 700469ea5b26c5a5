using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>Pruning idempotency-key records by their created_at key (indexed at start, as every declared key).</summary>
public sealed partial class MongoDocumentStore : IIdempotencyKeyRetention
{
    public async Task<int> PruneIdempotencyKeysAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        var result = await Documents(IdempotencyKey.Records.Name).DeleteManyAsync(
            Filter.Lt("keys." + IdempotencyKey.CreatedAtKey, IdempotencyKey.SortableTime(before)), ct);
        return (int)result.DeletedCount;
    }
}
