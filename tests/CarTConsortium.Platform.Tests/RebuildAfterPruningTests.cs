using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.Standalone;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// A rebuild by replay relearns only what the bus still holds: once it pruned deliveries to the service
/// (Eventing:Retention), the notice says the rebuild is incomplete, since when, and what to do instead.
/// </summary>
public sealed class RebuildAfterPruningTests : IDisposable
{
    private readonly TemporaryFolder _data = new("cartc-rebuild-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_rebuild_after_the_bus_pruned_deliveries_to_the_service_says_it_is_incomplete_and_since_when()
    {
        var notice = await RebuildAsync(elapsed: TimeSpan.FromDays(8), pruned: 2);

        Assert.True(notice.Started);
        Assert.Contains("replays the 0 events slots had consumed", notice.Message, StringComparison.Ordinal);
        Assert.Contains("The rebuild is incomplete: events delivered to slots before 2026-12-02T09:00:00Z were pruned from the bus (Eventing:Retention) "
            + "and are not replayed, so its read models miss them.", notice.Message, StringComparison.Ordinal);
        Assert.Contains($"Restore {Path.Combine(_data, "slots.db")} from a backup instead (docs/operations.md", notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rebuild_from_a_bus_that_pruned_nothing_for_the_service_replays_everything_and_claims_no_gap()
    {
        var notice = await RebuildAsync(elapsed: TimeSpan.FromDays(2), pruned: 0);

        Assert.Contains("replays the 2 events slots had consumed", notice.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("incomplete", notice.Message, StringComparison.Ordinal);
    }

    /// <summary>Two events settled by slots, <paramref name="elapsed"/> later a prune with a 7-day retention, then slots' rebuild.</summary>
    private async Task<StoreNotice> RebuildAsync(TimeSpan elapsed, int pruned)
    {
        using var bus = new EmbeddedBus(Path.Combine(_data, "bus.db"), _clock);
        await bus.SubscribeAsync("slots", ["products"]);
        bus.Open();
        foreach (var n in new[] { 1, 2 })
        {
            await bus.PublishAsync(new EventEnvelope($"event-{n}", "products", "registry", _clock.GetUtcNow(), "{}", null));
        }
        foreach (var delivery in await bus.ReceiveDueAsync("slots", 10))
        {
            await bus.SettleAsync(delivery, DeliveryOutcome.Success, TimeSpan.Zero);
        }
        _clock.Advance(elapsed);
        Assert.Equal(pruned, await bus.PruneDeliveredAsync(_clock.GetUtcNow() - TimeSpan.FromDays(7)));
        return await ServiceStores.RebuildAsync("slots", Path.Combine(_data, "slots.db"), bus, TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
