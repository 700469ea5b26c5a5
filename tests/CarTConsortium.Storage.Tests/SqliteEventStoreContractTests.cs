using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Storage.Tests;

public sealed class SqliteEventStoreContractTests : EventStoreContractTests, IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-event-store-");

    protected override IEventStoreUnderTest CreateStore(TimeProvider clock)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.db");
        SqliteDocumentStore Open() => new(path, new OutboxSignal(), clock: clock);
        return new EventStoreUnderTest<SqliteDocumentStore>(Open(), Open);
    }

    [Fact]
    public async Task A_lease_is_judged_by_the_callers_clock_to_the_tick()
    {
        // One file on one machine: every replica reads the same clock, so the caller's "now" decides.
        var duration = TimeSpan.FromSeconds(15);
        var now = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        var first = CreateStore();
        var a = first.Leases;
        var b = first.Replica().Leases;

        Assert.Equal(new LeaseGrant(now + duration, WakeRequested: false), await a.TryAcquireAsync("relay", "a", now, duration, TestContext.Current.CancellationToken));
        Assert.Null(await b.TryAcquireAsync("relay", "b", now + duration - TimeSpan.FromMilliseconds(1), duration, TestContext.Current.CancellationToken));
        Assert.Equal(now + TimeSpan.FromSeconds(10) + duration, (await a.TryAcquireAsync("relay", "a", now + TimeSpan.FromSeconds(10), duration, TestContext.Current.CancellationToken))!.ExpiresAt);
        Assert.Null(await b.TryAcquireAsync("relay", "b", now + duration, duration, TestContext.Current.CancellationToken));
        Assert.NotNull(await b.TryAcquireAsync("relay", "b", now + TimeSpan.FromSeconds(10) + duration, duration, TestContext.Current.CancellationToken));
    }

    public void Dispose()
    {
        _folder.Dispose();
    }
}
