using System.Text.Json;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Hosting;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// Keys added in a release, back-filled for the documents that lack them: at every start and by the periodic
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
    /// Indexes every declared key of <paramref name="collections"/> and gives the documents that lack one of
    /// them that key, computed from their body, without changing their version. Idempotent: a repeated run
    /// with nothing new written changes nothing.
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
            await using (var connection = await _file.OpenAsync(ct))
            {
                foreach (var key in collection.KeyNames)
                {
                    // The index the lookup of documents lacking the key uses (json_extract is NULL for a missing key).
                    await SqliteFile.ExecuteAsync(connection,
                        $"CREATE INDEX IF NOT EXISTS documents_by_{key} ON documents (json_extract(keys, '$.{key}'))", ct);
                }
            }
            foreach (var key in collection.KeyNames)
            {
                // One key at a time, so each lookup uses that key's index; a rewrite gives a document all its keys.
                backfilled += await BackfillKeyAsync(collection, key, ct);
            }
        }
        return backfilled;
    }

    private async Task<int> BackfillKeyAsync(IDocumentCollection collection, string key, CancellationToken ct)
    {
        var rewritten = 0;
        var after = "";
        while (true)
        {
            var batch = new List<(string Id, long Version, string Body, string Keys)>();
            await using var connection = await _file.OpenAsync(ct);
            await using (var command = connection.CreateCommand())
            {
                // Key names are checked against the collection's pattern (lower-case letters, digits, underscores): safe to inline.
                command.CommandText = $"SELECT id, version, body, keys FROM documents WHERE json_extract(keys, '$.{key}') IS NULL "
                    + "AND collection = $collection AND id > $after ORDER BY id LIMIT $limit";
                command.Parameters.AddWithValue("$collection", collection.Name);
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
            await using var transaction = await SqliteFile.BeginWriteAsync(connection, ct);
            foreach (var (id, version, body, stored) in batch)
            {
                // A document whose new key computes to nothing keeps its keys as they are.
                var recomputed = JsonSerializer.Serialize(collection.KeysOfStored(body));
                if (recomputed == stored)
                {
                    continue;
                }
                // Only if still the version read: a concurrent write stored keys of its own, computed by this release.
                rewritten += await SqliteFile.ExecuteAsync(connection,
                    "UPDATE documents SET keys = $keys WHERE collection = $collection AND id = $id AND version = $version", ct,
                    ("$keys", recomputed), ("$collection", collection.Name), ("$id", id), ("$version", version));
            }
            await transaction.CommitAsync(ct);
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
