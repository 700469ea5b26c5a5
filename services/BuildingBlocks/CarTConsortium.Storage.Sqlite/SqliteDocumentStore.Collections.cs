using System.Globalization;
using System.Text;
using System.Text.Json;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Hosting;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>Keys added in a release, back-filled at start for the documents written before.</summary>
public sealed partial class SqliteDocumentStore
{
    /// <summary>How many documents one back-fill round reads and rewrites (one short write transaction each).</summary>
    public const int BackfillBatchSize = 200;

    /// <summary>Which (collection, key) pairs every stored document has been given; a key missing here is back-filled once.</summary>
    private const string CollectionKeysSchema = """
            CREATE TABLE IF NOT EXISTS collection_keys (
                collection TEXT NOT NULL,
                key TEXT NOT NULL,
                PRIMARY KEY (collection, key)
            ) WITHOUT ROWID;
            """;

    /// <summary>
    /// Gives documents written before one of <paramref name="collections"/>' keys was declared
    /// that key, computed from their body, without changing their version. Idempotent: a key is
    /// back-filled once, and a repeated run changes nothing.
    /// </summary>
    /// <returns>How many documents got their keys recomputed.</returns>
    public async Task<int> PrepareCollectionsAsync(IEnumerable<IDocumentCollection> collections, CancellationToken ct)
    {
        var done = new HashSet<(string, string)>();
        await using (var connection = await _file.OpenAsync(ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT collection, key FROM collection_keys";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                done.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var backfilled = 0;
        foreach (var collection in DocumentCollectionsRegistration.Distinct(collections))
        {
            var missing = collection.KeyNames.Where(key => !done.Contains((collection.Name, key))).ToList();
            if (missing.Count == 0)
            {
                continue;
            }
            backfilled += await BackfillKeysAsync(collection, missing, ct);
            await using var connection = await _file.OpenAsync(ct);
            foreach (var key in missing)
            {
                await SqliteFile.ExecuteAsync(connection, "INSERT OR IGNORE INTO collection_keys (collection, key) VALUES ($collection, $key)", ct,
                    ("$collection", collection.Name), ("$key", key));
            }
        }
        return backfilled;
    }

    private async Task<int> BackfillKeysAsync(IDocumentCollection collection, IReadOnlyList<string> keys, CancellationToken ct)
    {
        // Key names are checked against the collection's pattern (lower-case letters, digits, underscores): safe to inline.
        var lacking = new StringBuilder();
        foreach (var key in keys)
        {
            lacking.Append(lacking.Length == 0 ? "" : " OR ").Append(CultureInfo.InvariantCulture, $"json_type(keys, '$.{key}') IS NULL");
        }
        var rewritten = 0;
        var after = "";
        while (true)
        {
            var batch = new List<(string Id, long Version, string Body, string Keys)>();
            await using var connection = await _file.OpenAsync(ct);
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT id, version, body, keys FROM documents WHERE collection = $collection AND id > $after AND ({lacking}) ORDER BY id LIMIT $limit";
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

/// <summary>Back-fills the declared collections' new keys before the app serves requests.</summary>
internal sealed class SqliteCollectionsInitializer(SqliteDocumentStore store, IEnumerable<IDocumentCollection> collections) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.PrepareCollectionsAsync(collections, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
