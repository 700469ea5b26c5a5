using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Jobs;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;
using Contract = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// The real closing job, registered as the app registers it and started as a hosted service,
/// on the fake clock. Its check interval is an hour, and no test moves the clock that far: a
/// pool it closes, it closed because it woke at the pool's closing time.
/// </summary>
public sealed class ClosingJobTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new(closingCheckInterval: TimeSpan.FromHours(1));
    private PoolClosingJob _job = null!;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KZ", "UZ");
        // Beside the store's own start-up work (its collections' keys), the module runs one job.
        _job = Assert.Single(_harness.HostedServices.OfType<PoolClosingJob>());
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public async ValueTask DisposeAsync()
    {
        await _job.StopAsync(None);
        _harness.Dispose();
    }

    [Fact]
    public async Task The_job_sleeps_until_the_closing_time_and_then_settles_the_pool()
    {
        var closesAt = Start.AddMinutes(30);
        var pool = await _harness.OpenSamplePoolAsync(closesAt: closesAt);
        await _harness.CommitAsync(pool.Id, "KZ", 120, 480m);
        await _harness.CommitAsync(pool.Id, "UZ", 80, 450m);

        await _job.StartAsync(None);
        await _harness.Clock.AlarmSetForAsync(closesAt, "the job set an alarm for the closing time");
        Assert.Equal(PoolStatus.Open, (await _harness.GetAsync(pool.Id)).Value.Status);
        _harness.Clock.SetUtcNow(closesAt);

        await Eventually.HoldsAsync(async () => (await _harness.GetAsync(pool.Id)).Value.Status != PoolStatus.Open, "the job closed the pool", timeoutSeconds: 10);
        var settled = (await _harness.GetAsync(pool.Id)).Value;
        Assert.Equal((PoolStatus.Settled, closesAt, Pool.ClosingJob), (settled.Status, settled.ClosedAt, settled.ClosedBy));
        Assert.Equal(Usd(389.25m), settled.Outcome!.Tier!.UnitPrice);
        Assert.Single(await _harness.EventsAsync(Contract.PoolClosed.Parser));
        Assert.Equal(2, Assert.Single(await _harness.EventsAsync(Contract.PurchaseOrdersIssued.Parser)).PurchaseOrders.Count);
    }

    [Fact]
    public async Task A_pool_opened_while_the_job_sleeps_wakes_it_to_learn_the_new_closing_time()
    {
        await _job.StartAsync(None);
        await _harness.Clock.AlarmSetForAsync(Start.AddHours(1), "the idle job went to sleep for its check interval");

        var closesAt = Start.AddMinutes(10);
        var pool = await _harness.OpenSamplePoolAsync(closesAt: closesAt);
        await _harness.CommitAsync(pool.Id, "KZ", 120, 480m);
        await _harness.Clock.AlarmSetForAsync(closesAt, "the job was woken by the opening and set an alarm for the closing time");
        _harness.Clock.SetUtcNow(closesAt);

        await Eventually.HoldsAsync(async () => (await _harness.GetAsync(pool.Id)).Value.Status == PoolStatus.Settled, "the job settled the pool", timeoutSeconds: 10);
        Assert.Equal(closesAt, (await _harness.GetAsync(pool.Id)).Value.ClosedAt);
    }

    [Fact]
    public async Task A_pool_whose_closing_time_passed_while_the_job_was_stopped_is_closed_when_it_starts()
    {
        var pool = await _harness.OpenSamplePoolAsync(closesAt: Start.AddMinutes(5));
        await _harness.CommitAsync(pool.Id, "KZ", 40, 480m);
        _harness.Clock.SetUtcNow(Start.AddMinutes(20));

        await _job.StartAsync(None);

        await Eventually.HoldsAsync(async () => (await _harness.GetAsync(pool.Id)).Value.Status != PoolStatus.Open, "the job closed the pool", timeoutSeconds: 10);
        var failed = (await _harness.GetAsync(pool.Id)).Value;
        Assert.Equal((PoolStatus.Failed, Start.AddMinutes(20), Pool.ClosingJob), (failed.Status, failed.ClosedAt, failed.ClosedBy));
        Assert.Single(await _harness.EventsAsync(Contract.PoolFailed.Parser));
    }
}
