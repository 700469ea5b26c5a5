using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.MongoDb;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>The same contract against MongoDB, where <see cref="MongoTestDatabases.UriVariable"/> names a replica set.</summary>
public sealed class MongoEventStoreContractTests : EventStoreContractTests, IDisposable
{
    private readonly MongoTestDatabases _databases = new();

    protected override IEventStoreUnderTest CreateStore(TimeProvider clock)
    {
        var (client, name) = _databases.Create();
        MongoDocumentStore Open() => new(client.GetDatabase(name), new OutboxSignal(), clock);
        return new EventStoreUnderTest<MongoDocumentStore>(Open(), Open);
    }

    [Fact]
    public async Task A_lease_is_judged_by_the_servers_clock_whatever_the_replicas_clocks_say()
    {
        var shortly = TimeSpan.FromSeconds(2);
        var behind = TimeSpan.FromHours(-1);
        var ahead = TimeSpan.FromHours(1);
        var a = CreateStore();
        var b = a.Replica();

        // a's clock runs an hour behind: the expiry is still the server's now plus the duration. (The test
        // machine's clock stands in for the server's here, within a minute.)
        var taken = await a.Leases.TryAcquireAsync("relay", "a", DateTimeOffset.UtcNow + behind, shortly, TestContext.Current.CancellationToken);
        Assert.InRange(taken!.ExpiresAt, DateTimeOffset.UtcNow + shortly - TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow + shortly + TimeSpan.FromMinutes(1));
        // b's clock runs an hour ahead: by it a's lease expired long ago, but not by the server's.
        Assert.Null(await b.Leases.TryAcquireAsync("relay", "b", DateTimeOffset.UtcNow + ahead, shortly, TestContext.Current.CancellationToken));
        // Once it expired on the server's clock b takes it, though by b's clock (now an hour behind) it would still run.
        await Eventually.HoldsAsync(
            async () => await b.Leases.TryAcquireAsync("relay", "b", DateTimeOffset.UtcNow + behind, shortly, TestContext.Current.CancellationToken) is not null,
            "b took the lease once it expired on the server's clock");
        Assert.Null(await a.Leases.TryAcquireAsync("relay", "a", DateTimeOffset.UtcNow + ahead, shortly, TestContext.Current.CancellationToken));
    }

    public void Dispose()
    {
        _databases.Dispose();
    }
}
