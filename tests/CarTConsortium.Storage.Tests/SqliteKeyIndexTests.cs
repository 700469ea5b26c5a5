using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// A key index is what SQLite answers a key query from (the registry's access log relies on it); it holds only the
/// documents that have the key, and indexes of earlier releases are replaced at start.
/// </summary>
public sealed class SqliteKeyIndexTests : IDisposable
{
    public sealed record Batch(string? Lot, string Site, int Count);

    private static readonly Collection<Vial> Vials = new("vials", ("site", v => v.Site), ("lot", v => v.Lot));
    private static readonly Collection<Batch> Batches = new("batches", ("site", b => b.Site), ("lot", b => b.Lot));
    private static readonly Collection<Batch> Patients = new("patients", ("site", b => b.Site));
    private readonly TemporaryFolder _folder = new("cartc-key-index-");

    [Fact]
    public async Task A_query_on_an_indexed_key_uses_the_index_instead_of_scanning_the_collection()
    {
        var path = Path.Combine(_folder, "store.db");
        var store = new SqliteDocumentStore(path, new OutboxSignal());
        await store.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-1", "astana", 3)).Insert(Vials, "v2", new Vial("L-2", "tashkent", 1)));
        Assert.DoesNotContain("documents_by_site", await PlanAsync(path));

        await store.EnsureKeyIndexAsync(Vials, "site");
        await store.EnsureKeyIndexAsync(Vials, "site");

        Assert.Contains("USING INDEX documents_by_site", await PlanAsync(path), StringComparison.Ordinal);
        var page = await store.QueryAsync(Vials, DocumentQuery.All.WhereKey("site", "tashkent"));
        Assert.Equal(["v2"], page.Items.Select(i => i.Id));
        await Assert.ThrowsAsync<ArgumentException>(() => store.EnsureKeyIndexAsync(Vials, "colour"));
    }

    [Fact]
    public async Task A_key_index_holds_only_the_documents_that_have_the_key()
    {
        var path = Path.Combine(_folder, "store.db");
        using var store = new SqliteDocumentStore(path, new OutboxSignal());
        await store.PrepareCollectionsAsync([Batches, Patients], CancellationToken.None);
        var changes = new ChangeSet();
        for (var i = 0; i < 60; i++)
        {
            // Every third vial has no lot; patients have no lot key at all.
            changes.Insert(Batches, $"v{i}", new Batch(i % 3 == 0 ? null : $"L-{i % 4}", "astana", i)).Insert(Patients, $"p{i}", new Batch(null, "astana", i));
        }
        await store.CommitAsync(changes);

        Assert.Equal(new Dictionary<string, long> { ["documents_by_lot"] = 40, ["documents_by_site"] = 120 }, await IndexEntriesAsync(path, "lot", "site"));
        Assert.Equal(40, await store.CountUpToAsync(Batches, DocumentQuery.All.WhereKey("site", "astana"), 40));
        Assert.Equal(10, await store.CountUpToAsync(Batches, DocumentQuery.All.WhereKey("lot", "L-1"), 100));
    }

    [Fact]
    public async Task Indexes_of_an_earlier_release_over_every_document_are_replaced_at_start_and_answer_the_same()
    {
        var path = Path.Combine(_folder, "store.db");
        var query = DocumentQuery.All.WhereKey("lot", "L-2") with { Limit = 4 };
        List<string> before;
        using (var store = new SqliteDocumentStore(path, new OutboxSignal()))
        {
            var changes = new ChangeSet();
            for (var i = 0; i < 50; i++)
            {
                changes.Insert(Batches, $"v{i:D2}", new Batch(i % 5 == 0 ? null : $"L-{i % 3}", i % 2 == 0 ? "astana" : "tashkent", i));
            }
            await store.CommitAsync(changes);
            // What earlier releases created: one index per key over the whole table.
            await ExecuteAsync(path, "CREATE INDEX documents_by_lot ON documents (json_extract(keys, '$.lot'))",
                "CREATE INDEX documents_by_site ON documents (json_extract(keys, '$.site'))");
            Assert.Equal(50, (await IndexEntriesAsync(path, "lot"))["documents_by_lot"]);
            before = await AllIdsAsync(store, query);
        }

        using (var store = new SqliteDocumentStore(path, new OutboxSignal()))
        {
            await store.PrepareCollectionsAsync([Batches], CancellationToken.None);
            Assert.Equal([KeyIndexDefinition("lot"), KeyIndexDefinition("site")], await IndexDefinitionsAsync(path, "lot", "site"));
            Assert.Equal(new Dictionary<string, long> { ["documents_by_lot"] = 40, ["documents_by_site"] = 50 }, await IndexEntriesAsync(path, "lot", "site"));
            Assert.Equal(before, await AllIdsAsync(store, query));
            Assert.Equal(13, before.Count);
            Assert.Equal(13, await store.CountUpToAsync(Batches, query, 100));
            Assert.Contains("USING COVERING INDEX documents_by_lot", await store.ExplainCountAsync(Batches, query, 100), StringComparison.Ordinal);
            // A second start finds the current definitions and leaves them.
            await store.PrepareCollectionsAsync([Batches], CancellationToken.None);
            Assert.Equal([KeyIndexDefinition("lot"), KeyIndexDefinition("site")], await IndexDefinitionsAsync(path, "lot", "site"));
        }
    }

    private static string KeyIndexDefinition(string key) => SqliteDocumentStore.KeyIndexDefinition(key);

    private static async Task<List<string>> AllIdsAsync(SqliteDocumentStore store, DocumentQuery query)
    {
        var ids = new List<string>();
        for (var page = await store.QueryAsync(Batches, query); ; page = await store.QueryAsync(Batches, query with { AfterId = page.NextAfterId }))
        {
            ids.AddRange(page.Items.Select(i => i.Id));
            if (page.NextAfterId is null)
            {
                return ids;
            }
        }
    }

    /// <summary>How many entries each key's index holds: the first figure ANALYZE records for it in sqlite_stat1.</summary>
    private static async Task<Dictionary<string, long>> IndexEntriesAsync(string path, params string[] keys)
    {
        await ExecuteAsync(path, "ANALYZE");
        var entries = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var stat = await ScalarAsync(path, "SELECT stat FROM sqlite_stat1 WHERE idx = $name", $"documents_by_{key}");
            entries[$"documents_by_{key}"] = stat is null ? 0 : long.Parse(stat.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        return entries;
    }

    private static async Task<List<string?>> IndexDefinitionsAsync(string path, params string[] keys)
    {
        var definitions = new List<string?>();
        foreach (var key in keys)
        {
            definitions.Add(await ScalarAsync(path, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $name", $"documents_by_{key}"));
        }
        return definitions;
    }

    private static async Task<string?> ScalarAsync(string path, string sql, string name)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$name", name);
        return await command.ExecuteScalarAsync() as string;
    }

    private static async Task ExecuteAsync(string path, params string[] statements)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>SQLite's plan for the statement <see cref="SqliteDocumentStore.QueryAsync"/> runs for one key filter.</summary>
    private static async Task<string> PlanAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT id, version, body FROM documents WHERE collection = $collection AND json_extract(keys, '$.site') = $k0 ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$collection", "vials");
        command.Parameters.AddWithValue("$k0", "tashkent");
        command.Parameters.AddWithValue("$limit", 51);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }
        return string.Join("\n", plan);
    }

    public void Dispose()
    {
        _folder.Dispose();
    }
}
