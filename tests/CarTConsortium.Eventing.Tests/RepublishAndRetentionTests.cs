using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>
/// Republishing since a time, end to end on the embedded bus, and pruning the bus. The bus ignores an id it
/// already holds: republishing to the same bus delivers nothing again, which is right, since that bus never
/// lost the event. After a broker loss the bus file is new, so the republished events are delivered again and
/// the subscribers' inboxes absorb the ones they had handled.
/// </summary>
public sealed class RepublishAndRetentionTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-republish-");
    private readonly FailureScript _script = new();

    [Fact]
    public async Task Republished_events_reach_a_new_bus_after_a_broker_loss_and_the_subscribers_inbox_absorbs_them()
    {
        var since = DateTimeOffset.UtcNow;
        string eventId;
        using (var bus = new EmbeddedBus(Path.Combine(_folder, "bus.db")))
        {
            await using var approvals = await TestApp.StartProjectionAsync("approvals", _folder, bus, _script);
            await using var registry = await TestApp.StartAsync("registry", _folder, bus);
            bus.Open();
            var changes = new ChangeSet().Raise(OutboxAndInboxTests.Registered("kymriah"), TimeProvider.System);
            eventId = changes.Events[0].Id;
            await registry.Store.CommitAsync(changes);
            await Eventually.HoldsAsync(() => Task.FromResult(_script.Deliveries.Count == 1), "approvals handled the event");
            await Eventually.HoldsAsync(async () => (await Pending(registry)).Count == 0, "the relay marked it published");

            // The same bus holds the id: republishing to it delivers nothing again.
            Assert.Equal(1, await Operations(registry).RepublishSinceAsync(since));
            await Eventually.HoldsAsync(async () => (await Pending(registry)).Count == 0, "the relay published it again");
            await Task.Delay(300);
            Assert.Single(_script.Deliveries);
        }

        // The broker lost everything: a new bus file, the same service databases.
        SqliteConnection.ClearAllPools();
        using var newBus = new EmbeddedBus(Path.Combine(_folder, "new-bus.db"));
        await using var approvalsAgain = await TestApp.StartProjectionAsync("approvals", _folder, newBus, _script);
        await using var registryAgain = await TestApp.StartAsync("registry", _folder, newBus);
        newBus.Open();

        Assert.Equal(1, await Operations(registryAgain).RepublishSinceAsync(since));

        // Delivered to approvals and settled, with no second effect: the handler never ran again.
        await Eventually.HoldsAsync(() => newBus.HasServedAsync("approvals"), "the new bus delivered the event to approvals");
        Assert.Single(_script.Deliveries);
        Assert.Single((await approvalsAgain.Store.QueryAsync(Seen.Products, DocumentQuery.All)).Items);
        Assert.True(await approvalsAgain.Services.GetRequiredService<IInbox>().HasHandledAsync(typeof(ProductProjection).FullName!, eventId));
    }

    [Fact]
    public async Task Pruning_the_bus_removes_messages_every_subscriber_settled_and_keeps_pending_ones_and_who_had_data()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var bus = new EmbeddedBus(Path.Combine(_folder, "bus.db"), clock);
        await bus.SubscribeAsync("approvals", [TestApp.ProductEnvelope("x").Topic]);
        await bus.SubscribeAsync("slots", [TestApp.ProductEnvelope("x").Topic]);
        bus.Open();
        await bus.PublishAsync(TestApp.ProductEnvelope("kymriah"));
        await bus.PublishAsync(TestApp.ProductEnvelope("tecartus"));
        // approvals settles both; slots only the first: the second is still pending for slots.
        foreach (var delivery in await bus.ReceiveDueAsync("approvals", 10))
        {
            await bus.SettleAsync(delivery, DeliveryOutcome.Success, TimeSpan.Zero);
        }
        var forSlots = await bus.ReceiveDueAsync("slots", 10);
        await bus.SettleAsync(forSlots[0], DeliveryOutcome.Success, TimeSpan.Zero);
        clock.Advance(TimeSpan.FromDays(8));

        Assert.Equal(0, await bus.PruneDeliveredAsync(clock.GetUtcNow() - TimeSpan.FromDays(9)));
        Assert.Null(await bus.PrunedBeforeAsync("approvals"));
        Assert.Equal(1, await bus.PruneDeliveredAsync(clock.GetUtcNow() - TimeSpan.FromDays(7)));
        // Who lost deliveries, and up to when: both subscribers had the pruned message; a later empty prune moves nothing.
        Assert.Equal(clock.GetUtcNow() - TimeSpan.FromDays(7), await bus.PrunedBeforeAsync("approvals"));
        Assert.Equal(clock.GetUtcNow() - TimeSpan.FromDays(7), await bus.PrunedBeforeAsync("slots"));
        Assert.Equal(0, await bus.PruneDeliveredAsync(clock.GetUtcNow() - TimeSpan.FromDays(8)));
        Assert.Equal(clock.GetUtcNow() - TimeSpan.FromDays(7), await bus.PrunedBeforeAsync("slots"));
        Assert.Null(await bus.PrunedBeforeAsync("procurement"));

        // The unsettled one is still delivered; what was pruned no longer is, even by a replay.
        var left = Assert.Single(await bus.ReceiveDueAsync("slots", 10));
        Assert.Equal(forSlots[1].Envelope.Id, left.Envelope.Id);
        Assert.Equal(1, await bus.ReplayAsync("approvals"));
        // Who had data is kept for the check of a lost database.
        Assert.True(await bus.HasServedAsync("registry"));
        Assert.True(await bus.HasServedAsync("approvals"));
        Assert.True(await bus.HasServedAsync("slots"));
        Assert.False(await bus.HasServedAsync("procurement"));
    }

    private static IOutboxOperations Operations(TestApp app) => app.Services.GetRequiredService<IOutboxOperations>();

    private static Task<IReadOnlyList<OutboxMessage>> Pending(TestApp app) => app.Services.GetRequiredService<IOutbox>().ReadPendingAsync(10);

    public void Dispose()
    {
        _folder.Dispose();
    }
}
