using System.Globalization;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// Key queries answered from the expression indexes, checked against the same filter recomputed from scratch in memory
/// on random documents (inserts, key-changing updates, null keys, a second collection with the same key names), and
/// the plans SQLite chooses for them.
/// </summary>
public sealed class SqliteKeyQueryTests : IDisposable
{
    public sealed record Case(string Country, string? Institution, string? Status, int Serial);

    private static readonly Collection<Case> Cases = new("cases", ("country", c => c.Country), ("institution", c => c.Institution), ("status", c => c.Status));
    private static readonly Collection<Case> Referrals = new("referrals", ("country", c => c.Country), ("institution", c => c.Institution));

    // Institution declared first, so its index is the older one: without statistics SQLite takes the newer (country's).
    private static readonly Collection<Case> Registry = new("registry", ("institution", c => c.Institution), ("country", c => c.Country));
    private static readonly string[] Countries = ["KZ", "UZ", "KG", "TJ"];
    private static readonly string[] Statuses = ["waiting", "infused", "follow-up"];
    private static readonly string[] Keys = ["country", "institution", "status"];
    private readonly TemporaryFolder _folder = new("cartc-key-query-");

    private string DatabasePath => Path.Combine(_folder, "store.db");

    [Theory]
    [InlineData(17)]
    [InlineData(4242)]
    [InlineData(90210)]
    public async Task Every_key_query_returns_what_filtering_all_documents_in_memory_returns(int seed)
    {
        var random = new Random(seed);
        using var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal());
        await store.PrepareCollectionsAsync([Cases, Referrals], CancellationToken.None);
        var cases = new Dictionary<string, Stored<Case>>(StringComparer.Ordinal);

        // Inserts in change sets of random sizes, committed concurrently (so in groups), in both collections.
        var commits = new List<Task>();
        var pending = new List<(string Id, Case Value)>();
        for (var serial = 0; serial < 600; serial++)
        {
            var id = $"c-{random.Next(1_000_000):D7}-{serial}";
            var value = RandomCase(random, serial);
            pending.Add((id, value));
            cases[id] = new Stored<Case>(id, 1, value);
            if (pending.Count >= random.Next(1, 40))
            {
                commits.Add(CommitInsertsAsync(store, pending));
                pending = [];
            }
        }
        commits.Add(CommitInsertsAsync(store, pending));
        commits.AddRange(Enumerable.Range(0, 50).Select(i => store.CommitAsync(new ChangeSet().Insert(Referrals, $"c-{i:D7}", RandomCase(random, i)))));
        await Task.WhenAll(commits);

        // Updates that move documents between key values, to null and back.
        foreach (var id in cases.Keys.OrderBy(_ => random.Next()).Take(250).ToList())
        {
            var value = RandomCase(random, cases[id].Value.Serial);
            await store.CommitAsync(new ChangeSet().Update(Cases, cases[id], value));
            cases[id] = new Stored<Case>(id, cases[id].Version + 1, value);
        }

        for (var round = 0; round < 80; round++)
        {
            var query = DocumentQuery.All with { Limit = random.Next(1, 60) };
            var filter = new Dictionary<string, string>();
            foreach (var key in Keys.Where(_ => random.Next(2) == 0))
            {
                // Now and then a value no document has.
                var value = random.Next(10) == 0 ? "nobody" : RandomKeyValue(random, key);
                if (value is not null)
                {
                    filter[key] = value;
                    query = query.WhereKey(key, value);
                }
            }
            var expected = cases.Values
                .Where(c => filter.All(f => KeyOf(c.Value, f.Key) == f.Value))
                .OrderBy(c => c.Id, StringComparer.Ordinal)
                .ToList();
            // Counted in the index alone, up to a random most (AfterId plays no part in a count).
            var most = random.Next(1, 400);
            Assert.Equal(Math.Min(expected.Count, most), await store.CountUpToAsync(Cases, query with { AfterId = "c-9" }, most));
            if (random.Next(3) == 0 && expected.Count > 0)
            {
                var after = expected[random.Next(expected.Count)].Id;
                query = query with { AfterId = after };
                expected = expected.Where(c => string.CompareOrdinal(c.Id, after) > 0).ToList();
            }

            var read = new List<Stored<Case>>();
            while (true)
            {
                var page = await store.QueryAsync(Cases, query);
                Assert.True(page.Items.Count <= query.Limit);
                read.AddRange(page.Items);
                if (page.NextAfterId is null)
                {
                    break;
                }
                query = query with { AfterId = page.NextAfterId };
            }
            Assert.Equal(expected.Select(c => (c.Id, c.Version, c.Value)), read.Select(c => (c.Id, c.Version, c.Value)));
        }

        // Every key query, with one key and with two, paged or not, is a search of a (partial) key index, never a scan of
        // the table; a count reads the index alone (covering: no row looked up per match).
        foreach (var query in new[]
        {
            DocumentQuery.All.WhereKey("country", "KZ"),
            DocumentQuery.All.WhereKey("status", "waiting"),
            DocumentQuery.All.WhereKey("institution", "kz-1") with { AfterId = "c-0300000" },
            DocumentQuery.All.WhereKey("country", "KZ").WhereKey("institution", "kz-3"),
            DocumentQuery.All.WhereKey("institution", "uz-1").WhereKey("status", "infused") with { AfterId = "c-0500000" },
        })
        {
            var plan = await store.ExplainQueryAsync(Cases, query);
            Assert.Matches("SEARCH documents USING INDEX documents_by_(country|institution|status) \\(<expr>=\\? AND collection=\\?", plan);
            Assert.DoesNotContain("SCAN", plan, StringComparison.Ordinal);
            if (query.Where.Count == 1)
            {
                var count = await store.ExplainCountAsync(Cases, query, 10);
                Assert.Matches("SEARCH documents USING COVERING INDEX documents_by_(country|institution|status) \\(<expr>=\\? AND collection=\\?\\)", count);
                Assert.DoesNotContain("SCAN documents", count, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task With_two_keys_the_planner_takes_the_small_institution_s_index_not_the_whole_country_s()
    {
        using var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal());
        await store.PrepareCollectionsAsync([Registry], CancellationToken.None);
        // 20,000 cases in one country over 20 large hospitals, and 30 in one small one.
        var cases = Enumerable.Range(0, 20_030)
            .Select(i => new Stored<Case>($"c-{i:D6}", 1, new Case("KZ", i < 30 ? "small" : $"large-{i % 20}", Statuses[i % 3], i)))
            .ToList();
        await Task.WhenAll(cases.Chunk(500).Select(chunk =>
        {
            var changes = new ChangeSet();
            foreach (var stored in chunk)
            {
                changes.Insert(Registry, stored.Id, stored.Value);
            }
            return store.CommitAsync(changes);
        }));
        // What a start does on this file: indexes, back-fill, then statistics.
        await store.PrepareCollectionsAsync([Registry], CancellationToken.None);

        // The start gave the planner statistics: per value, an institution holds far fewer documents than a country.
        var stats = await IndexStatisticsAsync();
        Assert.True(stats["documents_by_institution"] * 10 < stats["documents_by_country"], string.Join(", ", stats));

        // Both orders of the filters.
        var query = DocumentQuery.All.WhereKey("country", "KZ").WhereKey("institution", "small") with { Limit = 7 };
        foreach (var ordered in new[] { query, DocumentQuery.All.WhereKey("institution", "small").WhereKey("country", "KZ") })
        {
            var plan = await store.ExplainQueryAsync(Registry, ordered);
            Assert.Contains("USING INDEX documents_by_institution", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("documents_by_country", plan, StringComparison.Ordinal);
        }

        var read = new List<string>();
        for (var page = await store.QueryAsync(Registry, query); ; page = await store.QueryAsync(Registry, query with { AfterId = page.NextAfterId }))
        {
            read.AddRange(page.Items.Select(i => i.Id));
            if (page.NextAfterId is null)
            {
                break;
            }
        }
        Assert.Equal(cases.Where(c => c.Value.Institution == "small").Select(c => c.Id), read);
    }

    /// <summary>sqlite_stat1's average number of rows per value of each index's first column.</summary>
    private async Task<Dictionary<string, long>> IndexStatisticsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'documents' AND idx IS NOT NULL";
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stats[reader.GetString(0)] = long.Parse(reader.GetString(1).Split(' ')[1], CultureInfo.InvariantCulture);
        }
        return stats;
    }

    private static Task CommitInsertsAsync(SqliteDocumentStore store, List<(string Id, Case Value)> inserts)
    {
        var changes = new ChangeSet();
        foreach (var (id, value) in inserts)
        {
            changes.Insert(Cases, id, value);
        }
        return store.CommitAsync(changes);
    }

    private static Case RandomCase(Random random, int serial)
    {
        var country = Countries[random.Next(Countries.Length)];
        return new Case(country, RandomKeyValue(random, "institution", country), RandomKeyValue(random, "status"), serial);
    }

    /// <summary>A value for the key, null now and then where the key may be null.</summary>
    private static string? RandomKeyValue(Random random, string key, string? country = null) => key switch
    {
        "country" => Countries[random.Next(Countries.Length)],
        "institution" => random.Next(8) == 0 ? null : $"{(country ?? Countries[random.Next(Countries.Length)]).ToLowerInvariant()}-{random.Next(5)}",
        _ => random.Next(6) == 0 ? null : Statuses[random.Next(Statuses.Length)],
    };

    private static string? KeyOf(Case value, string key) => key switch
    {
        "country" => value.Country,
        "institution" => value.Institution,
        _ => value.Status,
    };

    public void Dispose()
    {
        _folder.Dispose();
    }
}
