using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>Pruning idempotency-key records by their created_at key (indexed at start, as every declared key).</summary>
public sealed partial class SqliteDocumentStore : IIdempotencyKeyRetention
{
    public async Task<int> PruneIdempotencyKeysAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        return await SqliteFile.ExecuteAsync(connection,
            $"DELETE FROM documents WHERE json_extract(keys, '$.{IdempotencyKey.CreatedAtKey}') < $before AND collection = $collection", ct,
            ("$before", IdempotencyKey.SortableTime(before)), ("$collection", IdempotencyKey.Records.Name));
    }
}
