using CarTConsortium.BuildingBlocks.Storage;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// What a store must hold to when several replicas of a service share one database, and what
/// the host does to it at start (issue 16): relays racing on one outbox, commits racing on the
/// outbox's numbering, a commit cancelled half way, large change sets, paging beside inserts,
/// and keys added in a release. Every adapter runs the same cases.
/// </summary>
public abstract class ReplicasOnOneStoreContractTests : IDisposable
{
    private static readonly Collection<Vial> Vials = new("vials", ("site", v => v.Site), ("lot", v => v.Lot));

    private readonly IAdapterUnderTest _adapter;

    protected ReplicasOnOneStoreContractTests(IAdapterUnderTest adapter) => _adapter = adapter;

    protected IAdapterUnderTest Adapter => _adapter;

    [Fact]
    public async Task Two_relays_on_one_outbox_publish_every_event_each_in_commit_order()
    {
        var writer = _adapter.Open();
        var all = new List<string>();
        for (var commit = 0; commit < 30; commit++)
        {
            var changes = new ChangeSet();
            for (var i = 0; i < 3; i++)
            {
                var message = Message($"c{commit}-{i}");
                all.Add(message.Id);
                changes.Publish(message);
            }
            await writer.Documents.CommitAsync(changes);
        }

        var relays = new[] { _adapter.Open(), _adapter.Open() };
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var relaying = relays.Select(relay => Task.Run(async () =>
        {
            await start.Task;
            var mine = new List<string>();
            while (await relay.Outbox.ReadPendingAsync(7) is { Count: > 0 } pending)
            {
                foreach (var message in pending)
                {
                    mine.Add(message.Id);
                    await relay.Outbox.MarkPublishedAsync(message.Id);
                }
            }
            return mine;
        })).ToArray();
        start.SetResult();
        var published = await Task.WhenAll(relaying);

        // At least once: every event by one relay or both, none lost, and each relay in commit order.
        Assert.Equal(all.Order(StringComparer.Ordinal), published.SelectMany(ids => ids).Distinct().Order(StringComparer.Ordinal));
        foreach (var mine in published)
        {
            Assert.Equal(mine.OrderBy(all.IndexOf), mine);
            Assert.Equal(mine.Count, mine.Distinct().Count());
        }
        Assert.Empty(await writer.Outbox.ReadPendingAsync(10));
    }

    [Fact]
    public async Task Concurrent_commits_number_their_events_in_commit_order()
    {
        const int writers = 6;
        const int commitsEach = 8;
        var stores = Enumerable.Range(0, writers).Select(_ => _adapter.Open()).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var committing = stores.Select((store, w) => Task.Run(async () =>
        {
            await start.Task;
            for (var c = 0; c < commitsEach; c++)
            {
                await store.Documents.CommitAsync(new ChangeSet()
                    .Insert(Vials, $"w{w}-c{c}", new Vial($"L-{w}-{c}", $"w{w}", c))
                    .Publish(Message($"w{w}-c{c}-a")).Publish(Message($"w{w}-c{c}-b")));
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(committing);

        var pending = (await stores[0].Outbox.ReadPendingAsync(1000)).Select(NameOf).ToList();
        Assert.Equal(writers * commitsEach * 2, pending.Count);
        for (var w = 0; w < writers; w++)
        {
            // Each writer committed in sequence: its events keep that order, and one commit's events stay together.
            var own = pending.Select((name, at) => (name, at)).Where(e => e.name.StartsWith($"w{w}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, commitsEach).SelectMany(c => new[] { $"w{w}-c{c}-a", $"w{w}-c{c}-b" }), own.Select(e => e.name));
            for (var c = 0; c < commitsEach; c++)
            {
                Assert.Equal(own[2 * c].at + 1, own[2 * c + 1].at);
            }
        }
    }

    [Fact]
    public async Task A_commit_cancelled_mid_flight_saves_all_of_it_or_nothing()
    {
        var store = _adapter.Open();
        var outcomes = new List<bool>();
        for (var round = 0; round < 8; round++)
        {
            var changes = new ChangeSet();
            for (var i = 0; i < 150; i++)
            {
                changes.Insert(Vials, $"r{round}-{i:D3}", new Vial($"L-{i}", $"round{round}", i));
            }
            changes.Publish(Message($"round{round}"));
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(round * 3));
            var committed = true;
            try
            {
                await store.Documents.CommitAsync(changes, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                committed = false;
            }
            outcomes.Add(committed);

            var saved = await CountAsync(store.Documents, $"round{round}");
            var events = (await store.Outbox.ReadPendingAsync(100)).Count(m => NameOf(m) == $"round{round}");
            if (committed)
            {
                Assert.Equal((150, 1), (saved, events));
            }
            else
            {
                Assert.True(saved == 0 && events == 0 || saved == 150 && events == 1, $"round {round}: {saved} documents and {events} events saved of a commit cancelled half way");
            }
        }
        // Cancelled before it began, the first round must have saved nothing.
        Assert.False(outcomes[0]);
        Assert.Equal(0, await CountAsync(store.Documents, "round0"));
    }

    [Fact]
    public async Task A_change_set_of_hundreds_of_documents_commits_whole()
    {
        var store = _adapter.Open();
        var inserts = new ChangeSet();
        for (var i = 0; i < 600; i++)
        {
            inserts.Insert(Vials, $"v{i:D4}", new Vial($"L-{i}", "bulk", i)).Publish(Message($"e{i}"));
        }
        await store.Documents.CommitAsync(inserts);

        var read = new List<Stored<Vial>>();
        await foreach (var vial in QueryAll(store.Documents, "bulk"))
        {
            read.Add(vial);
        }
        Assert.Equal(600, read.Count);
        Assert.Equal(600, (await store.Outbox.ReadPendingAsync(1000)).Count);

        var updates = new ChangeSet();
        foreach (var vial in read)
        {
            updates.Update(Vials, vial, vial.Value with { Count = vial.Value.Count + 1 });
        }
        await store.Documents.CommitAsync(updates);

        var after = await store.Documents.FindAsync(Vials, "v0599");
        Assert.Equal((2L, 600), (after!.Version, after.Value.Count));
    }

    [Fact]
    public async Task Paging_while_others_insert_skips_and_repeats_none_of_what_was_there()
    {
        var store = _adapter.Open();
        var before = new ChangeSet();
        for (var i = 0; i < 300; i += 2)
        {
            before.Insert(Vials, $"d{i:D3}", new Vial($"L-{i}", "paged", i));
        }
        await store.Documents.CommitAsync(before);

        var other = _adapter.Open();
        using var stop = new CancellationTokenSource();
        var inserting = Task.Run(async () =>
        {
            // Between the ids already there, before them and after them, until paging ends.
            for (var i = 1; !stop.IsCancellationRequested && i < 300; i += 2)
            {
                await other.Documents.CommitAsync(new ChangeSet()
                    .Insert(Vials, $"d{i:D3}", new Vial($"L-{i}", "paged", i))
                    .Insert(Vials, $"a{i:D3}", new Vial($"L-a{i}", "paged", i))
                    .Insert(Vials, $"z{i:D3}", new Vial($"L-z{i}", "paged", i)));
            }
        });

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await store.Documents.QueryAsync(Vials, new DocumentQuery { Limit = 7, AfterId = after }.WhereKey("site", "paged"));
            seen.AddRange(page.Items.Select(item => item.Id));
            after = page.NextAfterId;
            await Task.Yield();
        }
        while (after is not null);
        await stop.CancelAsync();
        await inserting;

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Empty(Enumerable.Range(0, 150).Select(i => $"d{2 * i:D3}").Except(seen));
    }

    [Fact]
    public async Task A_key_added_in_a_release_is_back_filled_at_start_without_changing_versions()
    {
        // Release 1 knew only the site.
        var release1 = new Collection<Vial>("vials_by_release", ("site", v => v.Site));
        var old = _adapter.Open();
        await old.PrepareCollectionsAsync([release1]);
        var changes = new ChangeSet();
        for (var i = 0; i < 450; i++)
        {
            changes.Insert(release1, $"v{i:D3}", new Vial(i % 3 == 0 ? $"L-{i % 9}" : null!, "astana", i));
        }
        await old.Documents.CommitAsync(changes);
        var updated = (await old.Documents.FindAsync(release1, "v003"))!;
        await old.Documents.CommitAsync(new ChangeSet().Update(release1, updated, updated.Value with { Count = 1000 }));

        // Release 2 filters on the lot too; documents with no lot have no such key, but get release 2's key-set mark.
        var release2 = new Collection<Vial>("vials_by_release", ("site", v => v.Site), ("lot", v => v.Lot));
        var restarted = _adapter.Open();
        var backfilled = await restarted.PrepareCollectionsAsync([release2]);

        Assert.Equal(450, backfilled);
        var lotThree = await restarted.Documents.QueryAsync(release2, DocumentQuery.All.WhereKey("lot", "L-3"));
        Assert.Equal(Enumerable.Range(0, 450).Where(i => i % 9 == 3).Select(i => $"v{i:D3}"), lotThree.Items.Select(item => item.Id));
        Assert.Equal(2, (await restarted.Documents.FindAsync(release2, "v003"))!.Version);
        Assert.Equal(1, (await restarted.Documents.FindAsync(release2, "v012"))!.Version);
        Assert.Equal(0, await _adapter.Open().PrepareCollectionsAsync([release2]));
    }

    [Fact]
    public async Task A_document_an_old_release_writes_after_the_first_back_fill_is_back_filled_by_the_next_sweep_or_start()
    {
        // A rolling deploy: a replica of release 2 started and back-filled; one of release 1 still writes.
        var release1 = new Collection<Vial>("vials_rolling", ("site", v => v.Site));
        var release2 = new Collection<Vial>("vials_rolling", ("site", v => v.Site), ("lot", v => v.Lot));
        var old = _adapter.Open();
        await old.Documents.CommitAsync(new ChangeSet().Insert(release1, "before", new Vial("L-1", "astana", 1)));
        var upgraded = _adapter.Open();
        Assert.Equal(1, await upgraded.PrepareCollectionsAsync([release2]));

        await old.Documents.CommitAsync(new ChangeSet().Insert(release1, "during", new Vial("L-1", "astana", 2))
            .Insert(release1, "no-lot", new Vial(null!, "astana", 3)));
        Assert.Equal(["before"], (await upgraded.Documents.QueryAsync(release2, DocumentQuery.All.WhereKey("lot", "L-1"))).Items.Select(i => i.Id));

        // The next sweep (or start) finds both by their release 1 mark; the one whose lot computes to nothing is marked
        // too, so the pass after reads neither (the back-fill counts every document it reads and rewrites).
        Assert.Equal(2, await upgraded.PrepareCollectionsAsync([release2]));
        Assert.Equal(["before", "during"], (await upgraded.Documents.QueryAsync(release2, DocumentQuery.All.WhereKey("lot", "L-1"))).Items.Select(i => i.Id));
        Assert.Equal(1, (await upgraded.Documents.FindAsync(release2, "during"))!.Version);
        Assert.Equal(0, await _adapter.Open().PrepareCollectionsAsync([release2]));
    }

    public void Dispose()
    {
        _adapter.Dispose();
        GC.SuppressFinalize(this);
    }

    private static async Task<int> CountAsync(IDocumentStore store, string site)
    {
        var count = 0;
        await foreach (var _ in QueryAll(store, site))
        {
            count++;
        }
        return count;
    }

    private static async IAsyncEnumerable<Stored<Vial>> QueryAll(IDocumentStore store, string site)
    {
        string? after = null;
        do
        {
            var page = await store.QueryAsync(Vials, new DocumentQuery { Limit = DocumentQuery.MaxLimit, AfterId = after }.WhereKey("site", site));
            foreach (var item in page.Items)
            {
                yield return item;
            }
            after = page.NextAfterId;
        }
        while (after is not null);
    }

    private static string NameOf(OutboxMessage message) => message.Topic["consortium.test.v1.".Length..];

    private static OutboxMessage Message(string name) =>
        new(Guid.CreateVersion7().ToString(), "consortium.test.v1." + name, $$"""{"name":"{{name}}"}""", null,
            new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
}

public sealed class SqliteReplicasOnOneStoreContractTests() : ReplicasOnOneStoreContractTests(new SqliteAdapterUnderTest())
{
    [Fact]
    public async Task A_document_stored_before_key_set_marks_existed_is_back_filled_once()
    {
        var adapter = (SqliteAdapterUnderTest)Adapter;
        var vials = new Collection<Vial>("vials_unmarked", ("site", v => v.Site), ("lot", v => v.Lot));
        var store = adapter.Open();
        await store.Documents.CommitAsync(new ChangeSet().Insert(vials, "old", new Vial(null!, "astana", 1)));
        // What an earlier release stored: the keys that compute to a value, no mark.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={adapter.DatabasePath}"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = """UPDATE documents SET keys = '{"site":"astana"}' WHERE collection = 'vials_unmarked'""";
            Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        Assert.Equal(1, await store.PrepareCollectionsAsync([vials]));
        Assert.Equal(0, await adapter.Open().PrepareCollectionsAsync([vials]));
        Assert.Equal(1, (await store.Documents.FindAsync(vials, "old"))!.Version);
    }
}

public sealed class MongoReplicasOnOneStoreContractTests() : ReplicasOnOneStoreContractTests(new MongoAdapterUnderTest())
{
    [Fact]
    public async Task Declared_keys_are_indexed_at_start_not_at_the_first_query()
    {
        var adapter = (MongoAdapterUnderTest)Adapter;
        await adapter.Open().PrepareCollectionsAsync([new Collection<Vial>("indexed_vials", ("site", v => v.Site), ("lot", v => v.Lot))]);

        using var cursor = await adapter.Database.GetCollection<MongoDB.Bson.BsonDocument>("indexed_vials").Indexes.ListAsync();
        var indexes = await MongoDB.Driver.IAsyncCursorExtensions.ToListAsync(cursor);

        Assert.Contains(indexes, index => index["key"].AsBsonDocument.Names.SequenceEqual(["keys.site", "_id"]));
        Assert.Contains(indexes, index => index["key"].AsBsonDocument.Names.SequenceEqual(["keys.lot", "_id"]));
    }
}
