using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>
/// Issue 15, failure 8 on the bus: it remembers which apps had data (so a lost database is noticed)
/// and can deliver again everything a subscriber consumed (so its read models can be rebuilt).
/// </summary>
public sealed class BusReplayTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-replay-");
    private readonly FailureScript _script = new();

    private string BusPath => Path.Combine(_folder, "bus.db");

    [Fact]
    public async Task A_subscriber_whose_database_was_lost_relearns_every_event_it_had_consumed_in_order_by_replay()
    {
        using var bus = new EmbeddedBus(BusPath);
        await using (var approvals = await TestApp.StartProjectionAsync("approvals", _folder, bus, _script))
        {
            bus.Open();
            foreach (var product in new[] { "kymriah", "nexcar19", "tecartus" })
            {
                await bus.PublishAsync(TestApp.ProductEnvelope(product));
            }
            await Eventually.HoldsAsync(async () => (await approvals.Store.QueryAsync(Seen.Products, DocumentQuery.All)).Items.Count == 3, "all three projected");
        }
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { "approvals.db", "approvals.db-wal", "approvals.db-shm" })
        {
            File.Delete(Path.Combine(_folder, file));
        }

        Assert.True(await bus.HasServedAsync("approvals"));
        Assert.Equal(3, await bus.ReplayAsync("approvals"));
        await using var rebuilt = await TestApp.StartProjectionAsync("approvals", _folder, bus, _script);

        await Eventually.HoldsAsync(async () => (await rebuilt.Store.QueryAsync(Seen.Products, DocumentQuery.All)).Items.Count == 3, "all three projected again");
        Assert.Equal(["kymriah", "nexcar19", "tecartus", "kymriah", "nexcar19", "tecartus"], _script.Deliveries.Select(d => d.ProductId));
    }

    [Fact]
    public async Task The_bus_knows_an_app_had_data_once_it_published_or_consumed_and_not_before()
    {
        using var bus = new EmbeddedBus(BusPath);
        await using var approvals = await TestApp.StartProjectionAsync("approvals", _folder, bus, _script);
        bus.Open();
        Assert.False(await bus.HasServedAsync("approvals"));
        Assert.False(await bus.HasServedAsync("registry"));

        await bus.PublishAsync(TestApp.ProductEnvelope("kymriah"));

        Assert.True(await bus.HasServedAsync("registry"));
        await Eventually.HoldsAsync(() => bus.HasServedAsync("approvals"), "the delivery to approvals was settled");
        Assert.False(await bus.HasServedAsync("slots"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
