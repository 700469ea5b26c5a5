using System.Diagnostics;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>One store instance as a replica of a service sees its database.</summary>
public interface IEventStoreUnderTest
{
    IDocumentStore Documents { get; }
    IOutbox Outbox { get; }
    IInbox Inbox { get; }
    ILeaseStore Leases { get; }
    IOutboxOperations Operations { get; }
    IEventRetention Retention { get; }
    IIdempotencyKeyRetention IdempotencyKeys { get; }

    /// <summary>Another instance on the same database, as a second replica has.</summary>
    IEventStoreUnderTest Replica();
}

/// <summary>One adapter's store instance; <paramref name="replica"/> opens another on the same database.</summary>
public sealed class EventStoreUnderTest<TStore>(TStore store, Func<TStore> replica) : IEventStoreUnderTest
    where TStore : IDocumentStore, IOutbox, IInbox, ILeaseStore, IOutboxOperations, IEventRetention, IIdempotencyKeyRetention
{
    public IDocumentStore Documents => store;
    public IOutbox Outbox => store;
    public IInbox Inbox => store;
    public ILeaseStore Leases => store;
    public IOutboxOperations Operations => store;
    public IEventRetention Retention => store;
    public IIdempotencyKeyRetention IdempotencyKeys => store;

    public IEventStoreUnderTest Replica() => new EventStoreUnderTest<TStore>(replica(), replica);
}

/// <summary>
/// What every adapter must do for more than one replica and for an operator: leases, parking, republishing
/// since a time, pruning. Each test runs against each adapter unchanged.
/// </summary>
public abstract class EventStoreContractTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    protected IEventStoreUnderTest CreateStore() => CreateStore(TimeProvider.System);

    /// <summary>A store on a fresh database whose inbox marks and publications are dated by <paramref name="clock"/>.</summary>
    protected abstract IEventStoreUnderTest CreateStore(TimeProvider clock);

    [Fact]
    public async Task A_lease_goes_to_one_holder_until_it_expires_or_is_released_and_its_holder_renews_it()
    {
        // On real time with honest clocks, so that it holds whichever clock the adapter judges by (the caller's or its server's).
        var shortly = TimeSpan.FromSeconds(2);
        var a = CreateStore();
        var b = a.Replica();

        var taken = await a.Leases.TryAcquireAsync("relay", "a", DateTimeOffset.UtcNow, shortly);
        Assert.NotNull(taken);
        Assert.False(taken.WakeRequested);
        Assert.Null(await b.Leases.TryAcquireAsync("relay", "b", DateTimeOffset.UtcNow, shortly));
        // Other names are other leases.
        Assert.NotNull(await b.Leases.TryAcquireAsync("pruning", "b", DateTimeOffset.UtcNow, shortly));

        // A renewal moves the expiry; b must wait for the new one.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var renewing = Stopwatch.StartNew();
        var renewed = await a.Leases.TryAcquireAsync("relay", "a", DateTimeOffset.UtcNow, shortly);
        Assert.True(renewed!.ExpiresAt > taken.ExpiresAt);
        await Eventually.HoldsAsync(async () => await b.Leases.TryAcquireAsync("relay", "b", DateTimeOffset.UtcNow, shortly) is not null, "b took the expired lease");
        Assert.True(renewing.Elapsed >= shortly, $"b took the lease {renewing.Elapsed} after a renewed it for {shortly}");
        Assert.Null(await a.Leases.TryAcquireAsync("relay", "a", DateTimeOffset.UtcNow, shortly));

        // Only the holder's release frees it, and then at once.
        await a.Leases.ReleaseAsync("relay", "a");
        Assert.Null(await a.Leases.TryAcquireAsync("relay", "a", DateTimeOffset.UtcNow, shortly));
        await b.Leases.ReleaseAsync("relay", "b");
        Assert.NotNull(await a.Leases.TryAcquireAsync("relay", "a", DateTimeOffset.UtcNow, shortly));
    }

    [Fact]
    public async Task Of_many_replicas_racing_for_a_free_lease_exactly_one_gets_it()
    {
        var first = CreateStore();
        var replicas = Enumerable.Range(0, 8).Select(_ => first.Replica()).ToList();

        var grants = await Task.WhenAll(replicas.Select((replica, i) => replica.Leases.TryAcquireAsync("relay", $"replica-{i}", Now, Duration)));

        Assert.Single(grants, grant => grant is not null);
    }

    [Fact]
    public async Task A_wake_up_requested_by_another_replica_reaches_the_holder_once_at_its_next_renewal()
    {
        var holder = CreateStore();
        var other = holder.Replica();

        // Requested before anyone took the lease: its first holder sees it.
        await other.Leases.RequestWakeAsync("closing");
        Assert.True((await holder.Leases.TryAcquireAsync("closing", "h", Now, Duration))!.WakeRequested);
        Assert.False((await holder.Leases.TryAcquireAsync("closing", "h", Now + TimeSpan.FromSeconds(5), Duration))!.WakeRequested);

        await other.Leases.RequestWakeAsync("closing");
        await other.Leases.RequestWakeAsync("closing");
        // The request changes nothing about who holds it.
        Assert.Null(await other.Leases.TryAcquireAsync("closing", "o", Now + TimeSpan.FromSeconds(6), Duration));
        Assert.True((await holder.Leases.TryAcquireAsync("closing", "h", Now + TimeSpan.FromSeconds(10), Duration))!.WakeRequested);
        Assert.False((await holder.Leases.TryAcquireAsync("closing", "h", Now + TimeSpan.FromSeconds(15), Duration))!.WakeRequested);
    }

    [Fact]
    public async Task A_parked_event_leaves_the_line_with_its_reason_and_goes_back_to_its_place_when_requeued()
    {
        var store = CreateStore();
        var ids = await RaiseAsync(store, "t.a", "t.b", "t.a");

        await store.Operations.ParkAsync(ids[1], "413 message too large", Now);
        await store.Operations.ParkAsync(ids[2], "403 topic not allowed", Now);

        Assert.Equal([ids[0]], (await store.Outbox.ReadPendingAsync(10)).Select(m => m.Id));
        var parked = await store.Operations.ListParkedAsync(10, null);
        Assert.Equal([(ids[1], "t.b", "413 message too large"), (ids[2], "t.a", "403 topic not allowed")], parked.Select(p => (p.Id, p.Topic, p.Reason)));
        Assert.Equal(Now, parked[0].ParkedAt);
        Assert.Equal([ids[2]], (await store.Operations.ListParkedAsync(10, parked[0].Seq)).Select(p => p.Id));
        Assert.Equal([ids[1]], (await store.Operations.ListParkedAsync(1, null)).Select(p => p.Id));
        Assert.Equal(new Dictionary<string, long> { ["t.a"] = 1, ["t.b"] = 1 }, await store.Operations.CountParkedAsync());

        Assert.True(await store.Operations.RequeueParkedAsync(ids[1]));
        Assert.False(await store.Operations.RequeueParkedAsync(ids[1]));
        Assert.False(await store.Operations.RequeueParkedAsync("no-such-event"));
        // Back at its place in commit order, ahead of an event raised after it.
        var later = await RaiseAsync(store, "t.c");
        Assert.Equal([ids[0], ids[1], later[0]], (await store.Outbox.ReadPendingAsync(10)).Select(m => m.Id));
        Assert.Equal(new Dictionary<string, long> { ["t.a"] = 1 }, await store.Operations.CountParkedAsync());

        // A published event cannot be parked.
        await store.Outbox.MarkPublishedAsync(ids[0]);
        await store.Operations.ParkAsync(ids[0], "late", Now);
        Assert.DoesNotContain(ids[0], (await store.Operations.ListParkedAsync(10, null)).Select(p => p.Id));
    }

    [Fact]
    public async Task Republishing_since_a_time_puts_back_in_line_exactly_the_events_published_at_or_after_it()
    {
        var store = CreateStore();
        var ids = await RaiseAsync(store, "t", "t", "t", "t");
        await store.Outbox.MarkPublishedAsync(ids[0]);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(50, TestContext.Current.CancellationToken);
        await store.Outbox.MarkPublishedAsync(ids[1]);
        await store.Outbox.MarkPublishedAsync(ids[2]);
        await store.Operations.ParkAsync(ids[3], "refused", Now);

        Assert.Equal(2, await store.Operations.RepublishSinceAsync(since));

        Assert.Equal([ids[1], ids[2]], (await store.Outbox.ReadPendingAsync(10)).Select(m => m.Id));
        Assert.Equal(0, await store.Operations.RepublishSinceAsync(since));
        Assert.Single(await store.Operations.ListParkedAsync(10, null));
    }

    [Fact]
    public async Task Pruning_removes_published_events_and_inbox_marks_older_than_the_cutoff_and_keeps_pending_and_parked_ones()
    {
        var store = CreateStore();
        var old = await RaiseAsync(store, "t", "t", "t");
        await store.Documents.CommitAsync(new ChangeSet().MarkHandled("approvals", "old-event"));
        await store.Outbox.MarkPublishedAsync(old[0]);
        await store.Operations.ParkAsync(old[2], "refused", Now);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var cutoff = DateTimeOffset.UtcNow;
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var recent = await RaiseAsync(store, "t");
        await store.Documents.CommitAsync(new ChangeSet().MarkHandled("approvals", "recent-event"));
        await store.Outbox.MarkPublishedAsync(recent[0]);

        Assert.Equal(new PrunedEvents(OutboxMessages: 1, InboxMarks: 1), await store.Retention.PruneAsync(cutoff));

        Assert.False(await store.Inbox.HasHandledAsync("approvals", "old-event"));
        Assert.True(await store.Inbox.HasHandledAsync("approvals", "recent-event"));
        // Left: the old pending event (unpublished, whatever its age), the parked one, the recent published one.
        Assert.Equal([old[1]], (await store.Outbox.ReadPendingAsync(10)).Select(m => m.Id));
        Assert.Equal([old[2]], (await store.Operations.ListParkedAsync(10, null)).Select(p => p.Id));
        Assert.Equal(1, await store.Operations.RepublishSinceAsync(DateTimeOffset.MinValue));
        Assert.Equal(new PrunedEvents(0, 1), await store.Retention.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task Inbox_marks_and_publications_are_dated_by_the_apps_clock_so_pruning_on_that_clock_keeps_and_drops_them_on_time()
    {
        // Years before the wall clock: a mark dated by the wall clock would never be pruned here.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2020, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var store = CreateStore(clock);
        var published = await RaiseAsync(store, "t");
        await store.Outbox.MarkPublishedAsync(published[0]);
        await store.Documents.CommitAsync(new ChangeSet().MarkHandled("approvals", "an-event"));

        clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(new PrunedEvents(0, 0), await store.Retention.PruneAsync(clock.GetUtcNow() - TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1)));
        Assert.True(await store.Inbox.HasHandledAsync("approvals", "an-event"));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(new PrunedEvents(1, 1), await store.Retention.PruneAsync(clock.GetUtcNow() - TimeSpan.FromDays(7)));
        Assert.False(await store.Inbox.HasHandledAsync("approvals", "an-event"));
    }

    [Fact]
    public async Task An_idempotency_key_is_remembered_until_its_retention_has_passed_and_pruned_then_so_a_retry_is_a_new_request()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        var store = CreateStore(clock);
        var caller = new CarTConsortium.BuildingBlocks.Security.Caller("officer", "portal", "KZ", null, new HashSet<string>());
        var key = IdempotencyKey.Of("retry-0123456789abcdef", caller, "OpenPool", new { Name = "pool" })!;
        await store.Documents.CommitAsync(new ChangeSet().Remember(key, "pool-1", clock));
        var retention = TimeSpan.FromDays(7);

        clock.Advance(retention - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await store.IdempotencyKeys.PruneIdempotencyKeysAsync(clock.GetUtcNow() - retention));
        Assert.NotNull(await store.Documents.FindAsync(IdempotencyKey.Records, key.DocumentId));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await store.IdempotencyKeys.PruneIdempotencyKeysAsync(clock.GetUtcNow() - retention));
        Assert.Null(await store.Documents.FindAsync(IdempotencyKey.Records, key.DocumentId));
        var again = IdempotencyKey.Of("retry-0123456789abcdef", caller, "OpenPool", new { Name = "pool" })!;
        Assert.Null(await again.FirstResultAsync(store.Documents, clock, TestContext.Current.CancellationToken));
    }

    private static async Task<List<string>> RaiseAsync(IEventStoreUnderTest store, params string[] topics)
    {
        var ids = new List<string>();
        foreach (var topic in topics)
        {
            var message = new OutboxMessage(Guid.CreateVersion7().ToString(), topic, "{}", null, Now);
            await store.Documents.CommitAsync(new ChangeSet().Publish(message));
            ids.Add(message.Id);
        }
        return ids;
    }
}
