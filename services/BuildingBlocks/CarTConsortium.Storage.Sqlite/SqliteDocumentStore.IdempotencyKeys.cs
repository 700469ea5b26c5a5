using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>Pruning idempotency-key records by their created_at key (indexed at start, as every declared key).</summary>
public sealed partial class SqliteDocumentStore : IIdempotencyKeyRetention
{
    public Task<int> PruneIdempotencyKeysAsync(DateTimeOffset before, CancellationToken ct = default) =>
        _file.WriteAsync(connection => SqliteFile.Execute(connection,
            $"DELETE FROM documents WHERE json_extract(keys, '$.{IdempotencyKey.CreatedAtKey}') < $before AND collection = $collection",
            ("$before", IdempotencyKey.SortableTime(before)), ("$collection", IdempotencyKey.Records.Name)), ct);
}
