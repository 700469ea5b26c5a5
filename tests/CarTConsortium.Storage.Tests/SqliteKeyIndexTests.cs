using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>A key index is what SQLite answers a key query from (the registry's access log relies on it).</summary>
public sealed class SqliteKeyIndexTests : IDisposable
{
    private static readonly Collection<Vial> Vials = new("vials", ("site", v => v.Site), ("lot", v => v.Lot));
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
