using System.Collections.Concurrent;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>
/// Relays of several replicas of one service on one database (two store instances on one SQLite file):
/// one publishes, the others wait to take over; wake-ups reach the holder; refused events are parked.
/// </summary>
public sealed class LeasedRelayTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);
    private readonly TemporaryFolder _folder = new("cartc-lease-relay-");
    private readonly ConcurrentQueue<(string Replica, string EventId)> _published = new();

    private string DatabasePath => Path.Combine(_folder, "registry.db");

    [Fact]
    public async Task Of_two_relays_on_one_database_only_the_lease_holder_publishes_and_the_other_takes_over_when_it_stops()
    {
        var a = Replica("a");
        await a.Relay.StartAsync(CancellationToken.None);
        var first = await CommitAsync(a.Store);
        await PublishedAsync(first);
        var b = Replica("b");
        await b.Relay.StartAsync(CancellationToken.None);

        var more = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            more.Add(await CommitAsync(i % 2 == 0 ? a.Store : b.Store));
        }
        await PublishedAsync([.. more]);
        // b tries the lease as often as a renews it (several times by now) and never got it.
        await Task.Delay(Lease);
        Assert.All(_published, p => Assert.Equal("a", p.Replica));
        Assert.Equal([first, .. more], _published.Select(p => p.EventId));

        // A graceful stop releases the lease: b takes it at its next try, well before a lease would have expired.
        await a.Relay.StopAsync(CancellationToken.None);
        var afterStop = await CommitAsync(b.Store);
        await PublishedAsync(afterStop);
        Assert.Equal("b", _published.Last().Replica);
        await b.Relay.StopAsync(CancellationToken.None);
        Assert.Equal(7, _published.Count);
    }

    [Fact]
    public async Task A_lease_whose_holder_died_without_releasing_it_is_taken_over_once_it_expires()
    {
        var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal());
        // A holder that crashed: it took the lease and will never renew or release it.
        var crashedAt = DateTimeOffset.UtcNow;
        Assert.NotNull(await store.TryAcquireAsync(OutboxRelay.LeaseName, "crashed:1:dead", crashedAt, Lease, CancellationToken.None));
        var b = Replica("b");
        await b.Relay.StartAsync(CancellationToken.None);
        var id = await CommitAsync(b.Store);

        await PublishedAsync(id);

        Assert.True(DateTimeOffset.UtcNow >= crashedAt + Lease, "published before the dead holder's lease expired");
        await b.Relay.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_commit_on_a_replica_without_the_lease_wakes_the_holder_through_the_store_long_before_its_poll()
    {
        // The holder polls once a minute: only the wake-up recorded on the lease can make it publish within seconds.
        var holder = Replica("holder", poll: TimeSpan.FromMinutes(1));
        var early = await CommitAsync(holder.Store);
        await holder.Relay.StartAsync(CancellationToken.None);
        // Its first round, at once when it took the lease.
        await PublishedAsync(early);
        var other = Replica("other", poll: TimeSpan.FromMinutes(1));
        await other.Relay.StartAsync(CancellationToken.None);
        await Task.Delay(Lease / 2);

        var started = DateTimeOffset.UtcNow;
        var id = await CommitAsync(other.Store);
        await PublishedAsync(id);

        Assert.Equal([("holder", early), ("holder", id)], _published);
        // One renewal (a third of the lease) plus scheduling, nowhere near the minute's poll.
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10));
        await other.Relay.StopAsync(CancellationToken.None);
        await holder.Relay.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_event_the_broker_refuses_for_good_is_parked_with_its_reason_and_the_events_behind_it_go_out()
    {
        var topic = "test.parking." + Guid.NewGuid().ToString("N");
        var replica = Replica("a", refuse: new HashSet<string>());
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await CommitAsync(replica.Store, topic));
        }
        replica.Refuse!.Add(ids[1]);

        Assert.Equal(3, await replica.Relay.PublishPendingAsync(CancellationToken.None));

        Assert.Equal([ids[0], ids[2]], _published.Select(p => p.EventId));
        var parked = Assert.Single(await replica.Store.ListParkedAsync(10, null, CancellationToken.None));
        Assert.Equal((ids[1], topic, "topic not allowed for this app (403)"), (parked.Id, parked.Topic, parked.Reason));
        Assert.Empty(await replica.Store.ReadPendingAsync(10, CancellationToken.None));
        Assert.Equal(1, ParkedEventsGauge.Of("registry", topic));

        // Once the cause is fixed, an operator puts it back in line and it goes out.
        replica.Refuse.Clear();
        Assert.True(await replica.Store.RequeueParkedAsync(ids[1], CancellationToken.None));
        Assert.False(await replica.Store.RequeueParkedAsync(ids[1], CancellationToken.None));
        Assert.Equal(1, await replica.Relay.PublishPendingAsync(CancellationToken.None));
        Assert.Equal([ids[0], ids[2], ids[1]], _published.Select(p => p.EventId));
        Assert.Empty(await replica.Store.ListParkedAsync(10, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_transient_failure_parks_nothing_and_retries_the_same_event_before_the_ones_behind_it()
    {
        var replica = Replica("a");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await CommitAsync(replica.Store));
        }
        replica.FailNext = ids[1];

        await Assert.ThrowsAsync<IOException>(() => replica.Relay.PublishPendingAsync(CancellationToken.None));
        Assert.Equal(2, await replica.Relay.PublishPendingAsync(CancellationToken.None));

        Assert.Equal(ids, _published.Select(p => p.EventId));
        Assert.Empty(await replica.Store.ListParkedAsync(10, null, CancellationToken.None));
    }

    private TestReplica Replica(string name, TimeSpan? poll = null, HashSet<string>? refuse = null)
    {
        // Each replica's own signal, as each process has: its commits wake only its own relay.
        var signal = new OutboxSignal();
        var store = new SqliteDocumentStore(DatabasePath, signal);
        var replica = new TestReplica(name, store, refuse, _published);
        var options = Options.Create(new EventingOptions { AppId = "registry", OutboxPollInterval = poll ?? TimeSpan.FromMilliseconds(50), RetryBaseDelay = TimeSpan.FromMilliseconds(10) });
        replica.Relay = new OutboxRelay(store, store, replica, signal, TestLeases.On(store, Lease), TimeProvider.System, options, NullLogger<OutboxRelay>.Instance);
        return replica;
    }

    private static async Task<string> CommitAsync(SqliteDocumentStore store, string topic = "test.leases")
    {
        var message = new OutboxMessage(Guid.CreateVersion7().ToString(), topic, "{}", null, DateTimeOffset.UtcNow);
        await store.CommitAsync(new ChangeSet().Publish(message));
        return message.Id;
    }

    private Task PublishedAsync(params string[] ids) =>
        Eventually.HoldsAsync(() => Task.FromResult(ids.All(id => _published.Any(p => p.EventId == id))), $"events {string.Join(", ", ids)} were published");

    public void Dispose()
    {
        _folder.Dispose();
    }

    /// <summary>One replica's store, relay and transport; the transport refuses or fails events on cue.</summary>
    private sealed class TestReplica(string name, SqliteDocumentStore store, HashSet<string>? refuse, ConcurrentQueue<(string, string)> published) : IEventPublisher
    {
        public SqliteDocumentStore Store => store;
        public OutboxRelay Relay { get; set; } = null!;
        public HashSet<string>? Refuse => refuse;
        public string? FailNext { get; set; }

        public Task PublishAsync(EventEnvelope envelope, CancellationToken ct = default)
        {
            if (refuse?.Contains(envelope.Id) == true)
            {
                throw new EventRefusedException("topic not allowed for this app (403)");
            }
            if (FailNext == envelope.Id)
            {
                FailNext = null;
                throw new IOException("the broker connection dropped");
            }
            published.Enqueue((name, envelope.Id));
            return Task.CompletedTask;
        }
    }
}
