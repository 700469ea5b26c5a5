using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.Eventing.Embedded;
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
        using var bus = new EmbeddedBus(Path.Combine(_folder, "bus.db"));
        await bus.SubscribeAsync("approvals", ["registry.products"]);
        await bus.SubscribeAsync("slots", ["registry.products"]);
        bus.Open();
        var before = bus.Writer.Transactions;

        // 300 publishes of 200 events: a relay republishing after a crash sends some twice.
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            bus.PublishAsync(new EventEnvelope($"e-{i % 200:D3}", "registry.products", "registry", DateTimeOffset.UtcNow, $"{{\"n\":{i % 200}}}", null))));

        var publishTransactions = bus.Writer.Transactions - before;
        Assert.True(publishTransactions <= 60, $"{publishTransactions} transactions for 300 publishes: they did not commit in groups");
        foreach (var subscriber in new[] { "approvals", "slots" })
        {
            var due = await bus.ReceiveDueAsync(subscriber, 500);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => $"e-{i:D3}"), due.Select(d => d.Envelope.Id).Order(StringComparer.Ordinal));
            await Task.WhenAll(due.Select(d => bus.SettleAsync(d, DeliveryOutcome.Success, TimeSpan.Zero)));
            Assert.Empty(await bus.ReceiveDueAsync(subscriber, 500));
        }
        Assert.True(bus.Writer.Transactions - before <= 120, "Settlements did not commit in groups");
    }

    public void Dispose()
    {
        _folder.Dispose();
    }
}
