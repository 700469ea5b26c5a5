using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Api;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Storage;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Procurement.UseCases.PurchaseOrders;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.ProcurementHarness;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>Nothing acknowledged is lost across a restart: a new store on the same SQLite file reads what the first one committed, events included.</summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();
    private SeenPool _pool = null!;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KZ", "UZ");
        _pool = await _harness.OpenSamplePoolAsync();
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_acknowledged_commitment_is_read_back_by_a_restarted_store_with_its_event()
    {
        var committed = await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m);

        var restarted = _harness.Reopened();
        var read = await restarted.FindAsync(ProcurementCollections.Pools, _pool.Id, None);

        Assert.NotNull(read);
        Assert.Equal(committed.Version, read.Version);
        Assert.Equal(ProcurementMapping.ToContract(PoolView.Of(committed.Value, PoolViewer.Everything, _harness.Now), committed.Version), ProcurementMapping.ToContract(PoolView.Of(read.Value, PoolViewer.Everything, _harness.Now), read.Version));
        Assert.Equal(committed.Value.CommitmentOf("KZ"), read.Value.CommitmentOf("KZ"));
        Assert.Equal((await _harness.OutboxAsync()).Select(m => m.Id), (await restarted.ReadPendingAsync(1_000, None)).Select(m => m.Id));
    }

    [Fact]
    public async Task A_restarted_app_carries_on_from_the_revisions_it_finds()
    {
        var seen = (await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m)).Value.CommitmentOf("KZ")!.Revision;
        var commitToPool = new CommitToPool(_harness.Reopened(), _harness.Clock, _harness.Viewers);

        var amended = await commitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "KZ", 130, Usd(480m), DeliveryOf("KZ"), BudgetOf("KZ"), seen), Officer("KZ"), None);
        await Assert.ThrowsAsync<CallerRevisionStaleException>(() =>
            commitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "KZ", 140, Usd(480m), DeliveryOf("KZ"), BudgetOf("KZ"), seen), Officer("KZ"), None));

        Assert.Equal((2L, 3L, 3L, 130), (seen, amended.Version, amended.Value.CommitmentOf("KZ")!.Revision, amended.Value.CommitmentOf("KZ")!.Quantity));
        Assert.Equal(130, (await _harness.GetAsync(_pool.Id)).Value.CommitmentOf("KZ")!.Quantity);
    }

    [Fact]
    public async Task A_settled_pool_its_orders_and_its_events_survive_a_restart()
    {
        await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m);
        await _harness.CommitAsync(_pool.Id, "UZ", 80, 450m);
        var closed = await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "every member has committed"), Callers.Admin, None);
        var before = await _harness.OutboxAsync();

        var restarted = _harness.Reopened();
        var read = await new GetPool(restarted, _harness.Clock, _harness.Viewers).ExecuteAsync(new GetPoolCommand(_pool.Id), Callers.Admin, None);
        var orders = await new ListPurchaseOrders(restarted).ExecuteAsync(new ListPurchaseOrdersCommand(0, null, _pool.Id, null), Callers.Admin, None);

        Assert.Equal((PoolStatus.Settled, closed.Version), (read.Value.Status, read.Version));
        Assert.Equal(closed.Value.Savings().Pool, read.Value.Savings().Pool);
        Assert.Equal([$"{_pool.Id}.KZ", $"{_pool.Id}.UZ"], orders.Orders.Select(o => o.Id));
        Assert.Equal(before.Select(m => (m.Id, m.Topic, m.Payload)), (await restarted.ReadPendingAsync(1_000, None)).Select(m => (m.Id, m.Topic, m.Payload)));
        await Assert.ThrowsAsync<RuleViolationException>(() => new ClosePool(restarted, _harness.Clock, _harness.Viewers).ExecuteAsync(new ClosePoolCommand(_pool.Id, "again"), Callers.Admin, None));
    }
}
