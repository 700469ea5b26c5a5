using System.Text.Json;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Hosting;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// Keys added in a release, back-filled for the documents written under another key set: at every start and by the periodic
/// sweep (<see cref="IKeyBackfill"/>), so documents that replicas of the previous release write during a rolling
/// deploy get the key too.
/// </summary>
public sealed partial class SqliteDocumentStore : IKeyBackfill
{
    /// <summary>How many documents one back-fill round reads and rewrites (one short write transaction each).</summary>
    public const int BackfillBatchSize = 200;

    /// <summary>
    /// Earlier releases recorded here which keys had been back-filled once; that record is no longer trusted
    /// (see <see cref="IKeyBackfill"/>), the table is only kept so that older files open unchanged.
    /// </summary>
    private const string CollectionKeysSchema = """
            CREATE TABLE IF NOT EXISTS collection_keys (
                collection TEXT NOT NULL,
                key TEXT NOT NULL,
                PRIMARY KEY (collection, key)
            ) WITHOUT ROWID;
            """;

    /// <summary>
    /// Indexes every declared key of <paramref name="collections"/> and rewrites the keys of the documents whose
    /// key-set mark (<see cref="KeySetMark.Key"/>) is not the collection's current one, computed from their body,
    /// without changing their version. Idempotent: a repeated run with nothing new written reads nothing.
    /// </summary>
    /// <returns>How many documents got their keys recomputed.</returns>
    public async Task<int> PrepareCollectionsAsync(IEnumerable<IDocumentCollection> collections, CancellationToken ct)
    {
        var backfilled = 0;
        foreach (var collection in DocumentCollectionsRegistration.Distinct(collections))
        {
            if (collection.KeyNames.Count == 0)
            {
                continue;
            }
            await _file.WriteAsync(connection =>
            {
                foreach (var key in collection.KeyNames)
                {
                    CreateKeyIndex(connection, key);
                }
                // Collection first: the back-fill looks up (collection, mark) by equality and pages by id.
                SqliteFile.Execute(connection,
                    $"CREATE INDEX IF NOT EXISTS documents_by_keyset ON documents (collection, json_extract(keys, '$.{KeySetMark.Key}'))");
            }, ct);
            // Documents of releases before the mark have none; then each other mark in the collection, found one
            // index seek at a time, so a pass with nothing stale reads no document.
            backfilled += await BackfillMarkAsync(collection, stale: null, ct);
            var seen = "";
            while (await NextMarkAsync(collection, seen, ct) is { } mark)
            {
                if (mark != collection.KeySet)
                {
                    backfilled += await BackfillMarkAsync(collection, mark, ct);
                }
                seen = mark;
            }
        }
        // With the indexes and keys in place, statistics let the planner pick the most selective key index.
        await _file.WriteAsync(SqliteWriter.Optimize, ct);
        return backfilled;
    }

    private async Task<string?> NextMarkAsync(IDocumentCollection collection, string after, CancellationToken ct)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT json_extract(keys, '$.{KeySetMark.Key}') AS mark FROM documents "
            + $"WHERE collection = $collection AND json_extract(keys, '$.{KeySetMark.Key}') > $after ORDER BY mark LIMIT 1";
        command.Parameters.AddWithValue("$collection", collection.Name);
        command.Parameters.AddWithValue("$after", after);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private async Task<int> BackfillMarkAsync(IDocumentCollection collection, string? stale, CancellationToken ct)
    {
        var rewritten = 0;
        var after = "";
        while (true)
        {
            var batch = new List<(string Id, long Version, string Body, string Keys)>();
            await using (var connection = await _file.OpenAsync(ct))
            await using (var command = connection.CreateCommand())
            {
                var mark = $"json_extract(keys, '$.{KeySetMark.Key}')";
                command.CommandText = $"SELECT id, version, body, keys FROM documents WHERE collection = $collection AND "
                    + (stale is null ? $"{mark} IS NULL" : $"{mark} = $mark") + " AND id > $after ORDER BY id LIMIT $limit";
                command.Parameters.AddWithValue("$collection", collection.Name);
                command.Parameters.AddWithValue("$mark", (object?)stale ?? DBNull.Value);
                command.Parameters.AddWithValue("$after", after);
                command.Parameters.AddWithValue("$limit", BackfillBatchSize);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    batch.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
                }
            }
            if (batch.Count == 0)
            {
                return rewritten;
            }
            // Every document gets all its keys and the current mark, null keys included (one rule in both adapters).
            var updates = batch
                .Select(read => (read.Id, read.Version, Keys: JsonSerializer.Serialize(collection.KeysOfStored(read.Body)), Stored: read.Keys))
                .Where(read => read.Keys != read.Stored)
                .ToList();
            if (updates.Count > 0)
            {
                // A write only for a batch that changes something.
                rewritten += await _file.WriteAsync(connection => updates.Sum(update =>
                    // Only if still the version read: a concurrent write stored keys of its own.
                    SqliteFile.Execute(connection,
                        "UPDATE documents SET keys = $keys WHERE collection = $collection AND id = $id AND version = $version",
                        ("$keys", update.Keys), ("$collection", collection.Name), ("$id", update.Id), ("$version", update.Version))), ct);
            }
            after = batch[^1].Id;
        }
    }
}

/// <summary>Back-fills the declared collections' keys before the app serves requests, at every start.</summary>
internal sealed class SqliteCollectionsInitializer(SqliteDocumentStore store, IEnumerable<IDocumentCollection> collections) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.PrepareCollectionsAsync(collections, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
