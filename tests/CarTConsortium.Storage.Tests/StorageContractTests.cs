using CarTConsortium.BuildingBlocks.Storage;
using Xunit;

namespace CarTConsortium.Storage.Tests;

public sealed record Vial(string Lot, string Site, int Count);

/// <summary>
/// What every storage adapter must do. A subclass supplies a fresh, empty store; every
/// test here runs against each adapter unchanged.
/// </summary>
public abstract class StorageContractTests
{
    protected static readonly Collection<Vial> Vials = new("vials", ("site", v => v.Site), ("lot", v => v.Lot));

    /// <summary>A store on a fresh, empty database.</summary>
    protected abstract IStoreUnderTest CreateStore();

    [Fact]
    public async Task A_count_up_to_a_limit_equals_a_recount_of_random_documents_in_the_adapter_and_in_the_paging_default()
    {
        var store = CreateStore();
        var random = new Random(17);
        string[] sites = ["astana", "tashkent", "bishkek"];
        var vials = Enumerable.Range(0, 450).Select(i => new Vial($"L-{random.Next(6)}", sites[random.Next(sites.Length)], i)).ToList();
        var changes = new ChangeSet();
        for (var i = 0; i < vials.Count; i++)
        {
            changes.Insert(Vials, $"v{i:D4}", vials[i]);
        }
        await store.Documents.CommitAsync(changes);
        // The interface's own paging version, as a store that wraps another gets it.
        IDocumentStore paging = new PagingOnly(store.Documents);

        foreach (var (site, lot) in new (string?, string?)[] { (null, null), ("astana", null), ("tashkent", "L-3"), ("nowhere", null), (null, "L-0") })
        {
            var query = DocumentQuery.All.WhereKey("site", site).WhereKey("lot", lot);
            var expected = vials.Count(v => (site is null || v.Site == site) && (lot is null || v.Lot == lot));
            foreach (var most in new[] { 0, 1, 7, 150, 201, 1000 })
            {
                Assert.Equal(Math.Min(expected, most), await store.Documents.CountUpToAsync(Vials, query, most));
                Assert.Equal(Math.Min(expected, most), await paging.CountUpToAsync(Vials, query, most));
            }
        }
        await Assert.ThrowsAsync<ArgumentException>(() => store.Documents.CountUpToAsync(Vials, DocumentQuery.All.WhereKey("count", "3"), 5));
    }

    /// <summary>Only the port's required members: <see cref="IDocumentStore.CountUpToAsync{T}"/> is the interface's default.</summary>
    private sealed class PagingOnly(IDocumentStore inner) : IDocumentStore
    {
        public Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class => inner.FindAsync(collection, id, ct);

        public Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class =>
            inner.QueryAsync(collection, query, ct);

        public Task CommitAsync(ChangeSet changes, CancellationToken ct = default) => inner.CommitAsync(changes, ct);
    }

    [Fact]
    public async Task An_inserted_document_reads_back_at_version_one()
    {
        var store = CreateStore();
        await store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-1", "astana", 3)));

        var found = await store.Documents.FindAsync(Vials, "v1");

        Assert.NotNull(found);
        Assert.Equal(1, found.Version);
        Assert.Equal(new Vial("L-1", "astana", 3), found.Value);
        Assert.Null(await store.Documents.FindAsync(Vials, "missing"));
    }

    [Fact]
    public async Task An_update_replaces_the_value_and_raises_the_version()
    {
        var store = CreateStore();
        await store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-1", "astana", 3)));
        var current = (await store.Documents.FindAsync(Vials, "v1"))!;

        await store.Documents.CommitAsync(new ChangeSet().Update(Vials, current, current.Value with { Count = 2 }));

        var updated = (await store.Documents.FindAsync(Vials, "v1"))!;
        Assert.Equal(2, updated.Version);
        Assert.Equal(2, updated.Value.Count);
    }

    [Fact]
    public async Task Inserting_an_existing_id_fails_and_keeps_the_first()
    {
        var store = CreateStore();
        await store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-1", "astana", 3)));

        await Assert.ThrowsAsync<DocumentExistsException>(() =>
            store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-2", "tashkent", 9))));

        Assert.Equal("L-1", (await store.Documents.FindAsync(Vials, "v1"))!.Value.Lot);
    }

    [Fact]
    public async Task A_query_filters_on_keys_orders_by_id_and_pages()
    {
        var store = CreateStore();
        var changes = new ChangeSet();
        for (var i = 0; i < 7; i++)
        {
            changes.Insert(Vials, $"v{i}", new Vial($"L-{i}", i % 2 == 0 ? "astana" : "tashkent", i));
        }
        await store.Documents.CommitAsync(changes);

        var first = await store.Documents.QueryAsync(Vials, new DocumentQuery { Limit = 3 }.WhereKey("site", "astana"));
        var second = await store.Documents.QueryAsync(Vials, new DocumentQuery { Limit = 3, AfterId = first.NextAfterId }.WhereKey("site", "astana"));

        Assert.Equal(["v0", "v2", "v4"], first.Items.Select(i => i.Id));
        Assert.Equal("v4", first.NextAfterId);
        Assert.Equal(["v6"], second.Items.Select(i => i.Id));
        Assert.Null(second.NextAfterId);

        var byTwoKeys = await store.Documents.QueryAsync(Vials, DocumentQuery.All.WhereKey("site", "tashkent").WhereKey("lot", "L-3"));
        Assert.Equal(["v3"], byTwoKeys.Items.Select(i => i.Id));
        var all = await store.Documents.QueryAsync(Vials, DocumentQuery.All);
        Assert.Equal(7, all.Items.Count);
    }

    [Fact]
    public async Task A_query_on_an_undeclared_key_is_refused()
    {
        var store = CreateStore();
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.Documents.QueryAsync(Vials, DocumentQuery.All.WhereKey("count", "3")));
    }

    [Fact]
    public async Task Two_writers_on_one_version_exactly_one_wins()
    {
        var store = CreateStore();
        await store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-1", "astana", 10)));
        var read = (await store.Documents.FindAsync(Vials, "v1"))!;

        for (var round = 0; round < 5; round++)
        {
            var current = (await store.Documents.FindAsync(Vials, "v1"))!;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
            {
                await start.Task;
                await store.Documents.CommitAsync(new ChangeSet().Update(Vials, current, current.Value with { Count = current.Value.Count - 1, Lot = $"w{w}" }));
            })).ToArray();
            start.SetResult();
            var outcomes = await Task.WhenAll(writers.Select(async w =>
            {
                try { await w; return "won"; }
                catch (StaleVersionException) { return "conflict"; }
            }));

            Assert.Equal(["conflict", "won"], outcomes.Order());
            var after = (await store.Documents.FindAsync(Vials, "v1"))!;
            Assert.Equal(current.Version + 1, after.Version);
            Assert.Equal(current.Value.Count - 1, after.Value.Count);
        }
        Assert.Equal(read.Version + 5, (await store.Documents.FindAsync(Vials, "v1"))!.Version);
    }

    [Fact]
    public async Task Two_concurrent_inserts_of_one_id_exactly_one_wins()
    {
        var store = CreateStore();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            await start.Task;
            await store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "same", new Vial($"w{w}", "astana", w)));
        })).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(writers.Select(async w =>
        {
            try { await w; return "won"; }
            catch (DocumentExistsException) { return "conflict"; }
        }));

        Assert.Equal(["conflict", "won"], outcomes.Order());
    }

    [Fact]
    public async Task A_change_and_its_events_are_saved_together()
    {
        var store = CreateStore();
        var first = Message("e1");
        var second = Message("e2");

        await store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-1", "astana", 1)).Publish(first).Publish(second));

        var pending = await store.Outbox.ReadPendingAsync(10);
        Assert.Equal([first, second], pending);
        Assert.NotNull(await store.Documents.FindAsync(Vials, "v1"));
    }

    [Fact]
    public async Task A_failed_commit_saves_neither_the_change_nor_its_events()
    {
        var store = CreateStore();
        await store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-1", "astana", 1)));
        var stale = (await store.Documents.FindAsync(Vials, "v1"))!;
        await store.Documents.CommitAsync(new ChangeSet().Update(Vials, stale, stale.Value with { Count = 5 }));

        // A new document, an event, and a stale update: the stale update sinks all three.
        var doomed = new ChangeSet()
            .Insert(Vials, "v2", new Vial("L-2", "astana", 2))
            .Update(Vials, stale, stale.Value with { Count = 99 })
            .Publish(Message("never"));
        await Assert.ThrowsAsync<StaleVersionException>(() => store.Documents.CommitAsync(doomed));

        Assert.Null(await store.Documents.FindAsync(Vials, "v2"));
        Assert.Equal(5, (await store.Documents.FindAsync(Vials, "v1"))!.Value.Count);
        Assert.Empty(await store.Outbox.ReadPendingAsync(10));
    }

    [Fact]
    public async Task Published_events_leave_the_pending_list_in_commit_order()
    {
        var store = CreateStore();
        // Ids that sort against commit order: the outbox must keep commit order, not id order.
        var messages = Enumerable.Range(0, 5).Select(i => Message($"e{i}") with { Id = $"id-{9 - i}" }).ToArray();
        foreach (var message in messages)
        {
            await store.Documents.CommitAsync(new ChangeSet().Publish(message));
        }

        await store.Outbox.MarkPublishedAsync(messages[0].Id);
        await store.Outbox.MarkPublishedAsync(messages[2].Id);

        Assert.Equal([messages[1], messages[3], messages[4]], await store.Outbox.ReadPendingAsync(10));
        Assert.Equal([messages[1], messages[3]], await store.Outbox.ReadPendingAsync(2));
    }

    [Fact]
    public async Task An_inbox_mark_is_taken_once_and_its_change_with_it()
    {
        var store = CreateStore();
        Assert.False(await store.Inbox.HasHandledAsync("projector", "evt-1"));

        await store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-1", "astana", 1)).MarkHandled("projector", "evt-1"));
        await Assert.ThrowsAsync<EventAlreadyHandledException>(() =>
            store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v2", new Vial("L-2", "astana", 1)).MarkHandled("projector", "evt-1")));

        Assert.True(await store.Inbox.HasHandledAsync("projector", "evt-1"));
        Assert.False(await store.Inbox.HasHandledAsync("another-consumer", "evt-1"));
        Assert.Null(await store.Documents.FindAsync(Vials, "v2"));
    }

    [Fact]
    public async Task Dead_letters_are_kept_newest_first()
    {
        var store = CreateStore();
        var at = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var older = new DeadLetter("e1", "projector", "t", "{}", "unreadable", 1, at);
        var newer = new DeadLetter("e2", "projector", "t", "{}", "gave up", 5, at.AddMinutes(1));

        await store.Documents.CommitAsync(new ChangeSet().MarkHandled("projector", "e1").DeadLetter(older));
        await store.Documents.CommitAsync(new ChangeSet().MarkHandled("projector", "e2").DeadLetter(newer));

        Assert.Equal([newer, older], await store.DeadLetters.ListAsync(10));
        Assert.True(await store.Inbox.HasHandledAsync("projector", "e1"));
    }

    [Fact]
    public async Task Committed_data_survives_reopening_the_database()
    {
        var store = CreateStore();
        await store.Documents.CommitAsync(new ChangeSet().Insert(Vials, "v1", new Vial("L-1", "astana", 1)).Publish(Message("e1")));

        var reopened = store.Reopen();

        Assert.Equal("L-1", (await reopened.Documents.FindAsync(Vials, "v1"))!.Value.Lot);
        Assert.Single(await reopened.Outbox.ReadPendingAsync(10));
    }

    private static OutboxMessage Message(string name) =>
        new(Guid.CreateVersion7().ToString(), "consortium.test.v1." + name, $$"""{"name":"{{name}}"}""",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
}

/// <summary>One adapter's store, seen through every port it implements.</summary>
public interface IStoreUnderTest
{
    IDocumentStore Documents { get; }
    IOutbox Outbox { get; }
    IInbox Inbox { get; }
    IDeadLetterStore DeadLetters { get; }

    /// <summary>A new store instance on the same database, as after a restart.</summary>
    IStoreUnderTest Reopen();
}
