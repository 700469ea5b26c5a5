using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>The bus's writes go through its file's one writer: concurrent publishes commit in groups, each exactly once.</summary>
public sealed class BusWriterTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-bus-writer-");

    [Fact]
    public async Task Concurrent_publishes_and_settlements_commit_in_groups_and_each_event_is_delivered_once()
    {
        var path = Path.Combine(_folder, "bus.db");
        using var bus = new EmbeddedBus(path);
        await bus.SubscribeAsync("approvals", ["registry.products"]);
        await bus.SubscribeAsync("slots", ["registry.products"]);
        bus.Open();
        var before = bus.Writer.Transactions;

        // 300 publishes of 200 events (a relay republishing after a crash sends some twice), all queued before the
        // writer runs: the first waits alone for the lock another connection holds, the other 299 queue behind it.
        var publishes = new List<Task>();
        await using (var holder = await SqliteWriteLock.HoldAsync(path))
        {
            for (var i = 0; i < 300; i++)
            {
                publishes.Add(bus.PublishAsync(new EventEnvelope($"e-{i % 200:D3}", "registry.products", "registry", DateTimeOffset.UtcNow, $"{{\"n\":{i % 200}}}", null)));
                if (i == 0)
                {
                    await WaitForQueueAsync(bus, 0);
                }
            }
            await WaitForQueueAsync(bus, 299);
        }
        await Task.WhenAll(publishes);

        // 1 + 299 in groups of at most MaxGroup (256): 3 transactions.
        Assert.Equal(1 + GroupsOf(299), bus.Writer.Transactions - before);
        foreach (var subscriber in new[] { "approvals", "slots" })
        {
            var due = await bus.ReceiveDueAsync(subscriber, 500);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => $"e-{i:D3}"), due.Select(d => d.Envelope.Id).Order(StringComparer.Ordinal));
            var settledBefore = bus.Writer.Transactions;
            List<Task> settlements;
            await using (var holder = await SqliteWriteLock.HoldAsync(path))
            {
                settlements = [bus.SettleAsync(due[0], DeliveryOutcome.Success, TimeSpan.Zero)];
                await WaitForQueueAsync(bus, 0);
                settlements.AddRange(due.Skip(1).Select(d => bus.SettleAsync(d, DeliveryOutcome.Success, TimeSpan.Zero)));
                await WaitForQueueAsync(bus, 199);
            }
            await Task.WhenAll(settlements);
            Assert.Equal(1 + GroupsOf(199), bus.Writer.Transactions - settledBefore);
            Assert.Empty(await bus.ReceiveDueAsync(subscriber, 500));
        }
    }

    private static long GroupsOf(int jobs) => (jobs + SqliteWriter.MaxGroup - 1) / SqliteWriter.MaxGroup;

    private static Task WaitForQueueAsync(EmbeddedBus bus, int length) =>
        Eventually.HoldsAsync(() => Task.FromResult(bus.Writer.QueueLength == length), $"{length} writes wait in the bus's queue");

    public void Dispose()
    {
        _folder.Dispose();
    }
}
