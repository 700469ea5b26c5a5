using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Procurement.Api;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Domain.PurchaseOrders;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Procurement.UseCases.PurchaseOrders;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.ProcurementHarness;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;
using Contract = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// Closing a pool, at its time (CloseDueAsync) or early (CloseEarlyAsync): the settled outcome
/// worked out by hand for a drop-out cascade and for a binding supply cap, the purchase orders,
/// the events committed with them, and a failed pool. Tiers throughout: 1-49 at 520.00, 50-199
/// at 447.50, 200 and more at 389.25 USD.
/// </summary>
public sealed class ClosingUseCaseTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KG", "KZ", "TJ", "UZ");
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Closing_when_due_does_nothing_before_the_closing_time_and_closes_exactly_at_it()
    {
        var pool = await _harness.OpenSamplePoolAsync();
        await _harness.CommitAsync(pool.Id, "KZ", 120, 480m);
        _harness.Clock.SetUtcNow(ClosesAt.AddTicks(-1));

        Assert.Equal(0, await _harness.CloseDuePools.ExecuteAsync(None));
        Assert.Equal((PoolStatus.Open, 2L), (await Status(pool.Id), (await _harness.GetAsync(pool.Id)).Version));
        Assert.Equal(ClosesAt, await _harness.NextClosingTime.ExecuteAsync(None));

        _harness.Clock.SetUtcNow(ClosesAt);
        Assert.Equal(1, await _harness.CloseDuePools.ExecuteAsync(None));

        var closed = (await _harness.GetAsync(pool.Id)).Value;
        Assert.Equal((PoolStatus.Settled, ClosesAt, Pool.ClosingJob, (string?)null), (closed.Status, closed.ClosedAt, closed.ClosedBy, closed.CloseReason));
        Assert.Equal(0, await _harness.CloseDuePools.ExecuteAsync(None));
        Assert.Null(await _harness.NextClosingTime.ExecuteAsync(None));
    }

    [Fact]
    public async Task Closing_when_due_closes_every_pool_whose_time_has_come_and_leaves_the_others_open()
    {
        var early = await _harness.OpenSamplePoolAsync(closesAt: Start.AddDays(1));
        var later = await _harness.OpenSamplePoolAsync(closesAt: Start.AddDays(3));
        var alsoEarly = await _harness.OpenSamplePoolAsync(closesAt: Start.AddDays(2));
        _harness.Clock.SetUtcNow(Start.AddDays(2));

        Assert.Equal(2, await _harness.CloseDuePools.ExecuteAsync(None));

        Assert.Equal([PoolStatus.Failed, PoolStatus.Open, PoolStatus.Failed], [await Status(early.Id), await Status(later.Id), await Status(alsoEarly.Id)]);
        Assert.Equal(Start.AddDays(3), await _harness.NextClosingTime.ExecuteAsync(None));
    }

    [Fact]
    public async Task A_drop_out_cascade_settles_at_the_price_of_those_who_stay_and_orders_only_for_them()
    {
        var pool = await _harness.OpenSamplePoolAsync();
        await _harness.CommitAsync(pool.Id, "KZ", 120, 480m);
        await _harness.CommitAsync(pool.Id, "UZ", 50, 440m);
        await _harness.CommitAsync(pool.Id, "KG", 30, 389m);
        await _harness.CommitAsync(pool.Id, "TJ", 20, 500m);
        _harness.Clock.SetUtcNow(ClosesAt);

        await _harness.CloseDuePools.ExecuteAsync(None);

        // Round 1: 220 units price 389.25, KG (max 389.00) drops. Round 2: 190 units price 447.50,
        // UZ (max 440.00) drops. Round 3: 140 units stay at 447.50.
        var outcome = (await _harness.GetAsync(pool.Id)).Value.Outcome!;
        Assert.Equal(((FailureReason?)null, 220, 140, 140, Tier(50, 447.50m), false),
            (outcome.Failure, outcome.CommittedVolume, outcome.KeptVolume, outcome.DeliveredVolume, outcome.Tier, outcome.CapBinds));
        Assert.Equal("140 units at 447.50 USD each (the tier from 50); 2 commitment(s) dropped out above their maximum price", outcome.Description);
        Assert.Equal(
            [
                new DroppedOut("KG", 30, Usd(389m), Usd(389.25m), 1, "max 389.00 USD below the price 389.25 USD of round 1"),
                new DroppedOut("UZ", 50, Usd(440m), Usd(447.50m), 2, "max 440.00 USD below the price 447.50 USD of round 2"),
            ],
            outcome.Dropped);
        Assert.Equal(
            [
                // KZ's 120 reach the 447.50 tier alone too: no saving.
                new CountryOutcome("KZ", 120, 120, Usd(447.50m), new Savings(Usd(53_700m), Usd(53_700m), Usd(0m))),
                // TJ's 20 alone: 520.00 each.
                new CountryOutcome("TJ", 20, 20, Usd(520m), new Savings(Usd(8_950m), Usd(10_400m), Usd(1_450m))),
            ],
            outcome.Countries);
        Assert.Equal(new Savings(Usd(62_650m), Usd(64_100m), Usd(1_450m)), outcome.PoolSavings);
        Assert.Equal([Order(pool.Id, "KZ", 120, 120, 447.50m, 53_700m, 447.50m, 53_700m), Order(pool.Id, "TJ", 20, 20, 447.50m, 8_950m, 520m, 10_400m)],
            await OrdersOf(pool.Id));
    }

    [Fact]
    public async Task A_binding_supply_cap_is_shared_pro_rata_by_largest_remainder_at_the_price_of_the_capped_volume()
    {
        var pool = await _harness.OpenSamplePoolAsync(supplyCap: 200);
        await _harness.CommitAsync(pool.Id, "KZ", 120, 480m);
        await _harness.CommitAsync(pool.Id, "UZ", 80, 450m);
        await _harness.CommitAsync(pool.Id, "KG", 30, 400m);

        await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, "every member has committed"), Callers.Admin, None);

        // 200 of 230: KZ 24000/230 = 104 r 80, UZ 16000/230 = 69 r 130, KG 6000/230 = 26 r 20.
        // 199 by the floors; the one unit left goes to the largest remainder, UZ.
        var outcome = (await _harness.GetAsync(pool.Id)).Value.Outcome!;
        Assert.Equal((230, 230, 200, Tier(200, 389.25m), true, 0),
            (outcome.CommittedVolume, outcome.KeptVolume, outcome.DeliveredVolume, outcome.Tier, outcome.CapBinds, outcome.Dropped.Count));
        Assert.Equal("200 units at 389.25 USD each (the tier from 200), the supply cap shared pro rata among 230 units committed", outcome.Description);
        Assert.Equal(
            [
                new CountryOutcome("KG", 30, 26, Usd(520m), new Savings(Usd(10_120.50m), Usd(13_520m), Usd(3_399.50m))),
                new CountryOutcome("KZ", 120, 104, Usd(447.50m), new Savings(Usd(40_482m), Usd(46_540m), Usd(6_058m))),
                new CountryOutcome("UZ", 80, 70, Usd(447.50m), new Savings(Usd(27_247.50m), Usd(31_325m), Usd(4_077.50m))),
            ],
            outcome.Countries);
        Assert.Equal(new Savings(Usd(77_850m), Usd(91_385m), Usd(13_535m)), outcome.PoolSavings);
        Assert.Equal(
            [
                Order(pool.Id, "KG", 26, 30, 389.25m, 10_120.50m, 520m, 13_520m),
                Order(pool.Id, "KZ", 104, 120, 389.25m, 40_482m, 447.50m, 46_540m),
                Order(pool.Id, "UZ", 70, 80, 389.25m, 27_247.50m, 447.50m, 31_325m),
            ],
            await OrdersOf(pool.Id));
    }

    [Fact]
    public async Task A_country_whose_pro_rata_share_rounds_down_to_nothing_is_settled_with_nothing_and_gets_no_order()
    {
        var pool = await _harness.OpenSamplePoolAsync(minimumVolume: 50, supplyCap: 100);
        await _harness.CommitAsync(pool.Id, "KZ", 1_000, 480m);
        await _harness.CommitAsync(pool.Id, "UZ", 1, 480m);

        await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, "every member has committed"), Callers.Admin, None);

        // 100 of 1001: KZ 100000/1001 = 99 r 901, UZ 100/1001 = 0 r 100; the unit left goes to KZ.
        var outcome = (await _harness.GetAsync(pool.Id)).Value.Outcome!;
        Assert.Equal(
            [
                new CountryOutcome("KZ", 1_000, 100, Usd(447.50m), new Savings(Usd(44_750m), Usd(44_750m), Usd(0m))),
                new CountryOutcome("UZ", 1, 0, null, new Savings(Usd(0m), Usd(0m), Usd(0m))),
            ],
            outcome.Countries);
        Assert.Equal([$"{pool.Id}.KZ"], (await OrdersOf(pool.Id)).Select(o => o.PurchaseOrderId));
        var savings = Assert.Single(await _harness.EventsAsync(Contract.PoolClosed.Parser)).Savings;
        var uz = savings.Countries.Single(c => c.CountryCode == "UZ");
        Assert.Equal((0, (Google.Type.Money?)null, WireUsd(0m)), (uz.Units, uz.AloneUnitPrice, uz.Figures.Paid));
        Assert.Equal(["KZ"], Assert.Single(await _harness.EventsAsync(Contract.PurchaseOrdersIssued.Parser)).PurchaseOrders.Select(o => o.CountryCode));
    }

    [Fact]
    public async Task A_settled_pool_raises_PoolClosed_with_its_savings_and_PurchaseOrdersIssued_in_the_same_commit()
    {
        var pool = await _harness.OpenSamplePoolAsync();
        await _harness.CommitAsync(pool.Id, "KZ", 120, 480m);
        await _harness.CommitAsync(pool.Id, "UZ", 80, 450m);
        _harness.Clock.Advance(TimeSpan.FromDays(1));

        var closed = await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, "every member has committed"), Callers.Admin, None);

        var outbox = await _harness.OutboxAsync();
        Assert.Equal(["PoolOpened", "CommitmentChanged", "CommitmentChanged", "PoolClosed", "PurchaseOrdersIssued"],
            outbox.Select(m => m.Topic["consortium.procurement.v1.".Length..]));
        Assert.Equal(outbox[^2].OccurredAt, outbox[^1].OccurredAt);
        Assert.Equal(Start.AddDays(1), outbox[^1].OccurredAt);
        var poolClosed = Assert.Single(await _harness.EventsAsync(Contract.PoolClosed.Parser));
        Assert.Equal(ProcurementMapping.ToContract(PoolView.Of(closed.Value, PoolViewer.Everything, _harness.Now), closed.Version), poolClosed.Pool);
        Assert.Equal((Contract.PoolStatus.Settled, false, 4L, "admin", "every member has committed"),
            (poolClosed.Pool.Status, poolClosed.Pool.AcceptingCommitments, poolClosed.Pool.Revision.Version, poolClosed.Pool.ClosedBy, poolClosed.Pool.CloseReason));
        Assert.Equal(["KZ", "UZ"], poolClosed.Pool.Outcome.Allocations.Select(a => a.CountryCode));
        Assert.Equal((Contract.SavingsBasis.Final, WireUsd(389.25m), WireUsd(11_650m)),
            (poolClosed.Savings.Basis, poolClosed.Savings.UnitPrice, poolClosed.Savings.Pool.Saving));
        Assert.Equal(["KZ", "UZ"], poolClosed.Savings.Countries.Select(c => c.CountryCode));
        var issued = Assert.Single(await _harness.EventsAsync(Contract.PurchaseOrdersIssued.Parser));
        Assert.Equal(pool.Id, issued.PoolId);
        Assert.Equal((await OrdersOf(pool.Id)).Select(ProcurementMapping.ToContract), issued.PurchaseOrders);
        Assert.Equal([$"{pool.Id}.KZ", $"{pool.Id}.UZ"], issued.PurchaseOrders.Select(o => o.PurchaseOrderId));
    }

    [Fact]
    public async Task A_pool_below_its_minimum_fails_releases_everyone_and_issues_no_order()
    {
        var pool = await _harness.OpenSamplePoolAsync();
        await _harness.CommitAsync(pool.Id, "KZ", 40, 480m);
        await _harness.CommitAsync(pool.Id, "UZ", 30, 450m);
        _harness.Clock.SetUtcNow(ClosesAt);

        await _harness.CloseDuePools.ExecuteAsync(None);

        var failed = (await _harness.GetAsync(pool.Id)).Value;
        Assert.Equal(PoolStatus.Failed, failed.Status);
        Assert.Equal((FailureReason.MinimumNotReached, "70 units committed, below the minimum of 100", 70, 70, 0, (PriceTier?)null, (Savings?)null),
            (failed.Outcome!.Failure, failed.Outcome.Description, failed.Outcome.CommittedVolume, failed.Outcome.KeptVolume, failed.Outcome.DeliveredVolume,
                failed.Outcome.Tier, failed.Outcome.PoolSavings));
        Assert.Empty(failed.Outcome.Countries);
        Assert.Empty(await OrdersOf(pool.Id));
        var savings = failed.Savings();
        Assert.Equal((SavingsBasis.None, Currency, (Money?)null, (Savings?)null, "The pool failed: 70 units committed, below the minimum of 100."),
            (savings.Basis, savings.Currency, savings.UnitPrice, savings.Pool, savings.Note));
        Assert.Empty(savings.Countries);
        var poolFailed = Assert.Single(await _harness.EventsAsync(Contract.PoolFailed.Parser));
        Assert.Equal((Contract.PoolStatus.Failed, Contract.FailureReason.MinimumNotReached, 0),
            (poolFailed.Pool.Status, poolFailed.Pool.Outcome.FailureReason, poolFailed.Pool.Outcome.Allocations.Count));
        Assert.Empty(await _harness.EventsAsync(Contract.PoolClosed.Parser));
        Assert.Empty(await _harness.EventsAsync(Contract.PurchaseOrdersIssued.Parser));
    }

    [Fact]
    public async Task A_pool_that_falls_below_its_minimum_after_drop_outs_fails_for_that_reason()
    {
        var pool = await _harness.OpenSamplePoolAsync();
        await _harness.CommitAsync(pool.Id, "KZ", 60, 500m);
        await _harness.CommitAsync(pool.Id, "UZ", 50, 400m);

        await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, "closing"), Callers.Admin, None);

        var outcome = (await _harness.GetAsync(pool.Id)).Value.Outcome!;
        Assert.Equal((FailureReason.MinimumNotReachedAfterDropOuts, "60 units left after drop-outs (of 110 committed), below the minimum of 100", 110, 60),
            (outcome.Failure, outcome.Description, outcome.CommittedVolume, outcome.KeptVolume));
        Assert.Equal([new DroppedOut("UZ", 50, Usd(400m), Usd(447.50m), 1, "max 400.00 USD below the price 447.50 USD of round 1")], outcome.Dropped);
        Assert.Empty(await OrdersOf(pool.Id));
        Assert.Equal(Contract.FailureReason.MinimumNotReachedAfterDropOuts,
            Assert.Single(await _harness.EventsAsync(Contract.PoolFailed.Parser)).Pool.Outcome.FailureReason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Closing_early_without_a_reason_is_invalid_argument_and_changes_nothing(string? reason)
    {
        var pool = await _harness.OpenSamplePoolAsync();

        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, reason), Callers.Admin, None));

        Assert.Equal(["reason"], error.Violations.Select(v => v.Field));
        Assert.Equal((PoolStatus.Open, 1L), (await Status(pool.Id), (await _harness.GetAsync(pool.Id)).Version));
    }

    [Fact]
    public async Task Closing_early_with_too_long_a_reason_is_invalid_argument_and_an_unknown_pool_not_found()
    {
        var pool = await _harness.OpenSamplePoolAsync();

        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, new string('r', 501)), Callers.Admin, None));
        await Assert.ThrowsAsync<NotFoundException>(() => _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(Guid.CreateVersion7().ToString(), "closing"), Callers.Admin, None));

        Assert.Equal(["reason"], error.Violations.Select(v => v.Field));
        Assert.Equal(PoolStatus.Open, await Status(pool.Id));
    }

    [Fact]
    public async Task Closing_early_keeps_who_when_and_why_and_a_second_close_is_failed_precondition()
    {
        var pool = await _harness.OpenSamplePoolAsync();
        await _harness.CommitAsync(pool.Id, "KZ", 120, 480m);
        _harness.Clock.Advance(TimeSpan.FromDays(2));

        var closed = await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, "  the supplier withdrew its offer "), Callers.Admin, None);

        Assert.Equal((PoolStatus.Settled, Start.AddDays(2), "admin", "the supplier withdrew its offer", 3L),
            (closed.Value.Status, closed.Value.ClosedAt, closed.Value.ClosedBy, closed.Value.CloseReason, closed.Version));
        await Assert.ThrowsAsync<RuleViolationException>(() => _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, "again"), Callers.Admin, None));
        _harness.Clock.SetUtcNow(ClosesAt);
        Assert.Equal(0, await _harness.CloseDuePools.ExecuteAsync(None));
        Assert.Equal(3, (await _harness.GetAsync(pool.Id)).Version);
        Assert.Single(await _harness.EventsAsync(Contract.PoolClosed.Parser));
    }

    private async Task<PoolStatus> Status(string poolId) => (await _harness.GetAsync(poolId)).Value.Status;

    private async Task<List<PurchaseOrder>> OrdersOf(string poolId) =>
        [.. (await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, poolId, null), Callers.Admin, None)).Orders.Select(o => o.Value)];

    /// <summary>The order <paramref name="country"/> gets, as worked out by hand, issued at the clock's time.</summary>
    private PurchaseOrder Order(string poolId, string country, int quantity, int committed, decimal unitPrice, decimal total, decimal aloneUnitPrice,
        decimal alone) =>
        new($"{poolId}.{country}", poolId, country, Item, "Tocilizumab 400 mg/20 mL", "vial", SupplierId, quantity, committed, Usd(unitPrice), Usd(total),
            DeliveryOf(country), BudgetOf(country), _harness.Now, Usd(aloneUnitPrice), new Savings(Usd(total), Usd(alone), Usd(alone - total)));
}
