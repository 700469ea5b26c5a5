using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Procurement.Api;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Storage;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Testing;
using Google.Protobuf.WellKnownTypes;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;
using Contract = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>Opening a pool: what is stored and announced (PoolOpened), and every bad input refused with nothing written.</summary>
public sealed class OpenPoolUseCaseTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Everything an admin sends to open a pool.</summary>
    public sealed record Draft(string? Title, string? ItemId, string? SupplierId, string? Currency, PriceTier[]? Tiers, DateTimeOffset? OpensAt,
        DateTimeOffset? ClosesAt, int MinimumVolume, int? SupplyCap);

    private static readonly Draft Valid = new("Tocilizumab for CRS management, 2027", Item, SupplierId, Currency, Tiers(), null, ClosesAt, 100, 250);

    /// <summary>Each way to break exactly one rule of <see cref="Valid"/>, and the one field that must be named.</summary>
    private static readonly Dictionary<string, (Func<Draft, Draft> Break, string Field)> SingleRuleCases = new(StringComparer.Ordinal)
    {
        ["title missing"] = (d => d with { Title = null }, "title"),
        ["title blank"] = (d => d with { Title = "   " }, "title"),
        ["title too long"] = (d => d with { Title = new string('t', 201) }, "title"),
        ["currency unknown"] = (d => d with { Currency = "XYZ" }, "currency"),
        ["currency in lower case"] = (d => d with { Currency = "usd" }, "currency"),
        ["closing before opening"] = (d => d with { OpensAt = Start.AddDays(2), ClosesAt = Start.AddDays(1) }, "closes_at"),
        ["closing now"] = (d => d with { OpensAt = Start.AddHours(-1), ClosesAt = Start }, "closes_at"),
        ["closing in the past"] = (d => d with { OpensAt = Start.AddDays(-2), ClosesAt = Start.AddDays(-1) }, "closes_at"),
        ["no tiers"] = (d => d with { Tiers = [] }, "price_tiers"),
        ["first tier not at one unit"] = (d => d with { Tiers = [Tier(2, 520m), Tier(50, 447.50m)] }, "price_tiers[0].min_quantity"),
        ["a price rising with volume"] = (d => d with { Tiers = [Tier(1, 520m), Tier(50, 530m), Tier(200, 389.25m)] }, "price_tiers[1].unit_price"),
        ["tier minimums not rising"] = (d => d with { Tiers = [Tier(1, 520m), Tier(50, 447.50m), Tier(50, 389.25m)] }, "price_tiers[2].min_quantity"),
        ["a tier in another currency"] = (d => d with { Tiers = [Tier(1, 520m), new PriceTier(50, new Money(447.50m, "EUR"))] },
            "price_tiers[1].unit_price.currency_code"),
        ["a price with a third decimal"] = (d => d with { Tiers = [Tier(1, 520m), Tier(50, 447.505m)] }, "price_tiers[1].unit_price"),
        ["minimum volume 0"] = (d => d with { MinimumVolume = 0, SupplyCap = null }, "minimum_volume"),
        ["supply cap below the minimum"] = (d => d with { SupplyCap = 99 }, "supply_cap"),
        ["supply cap negative"] = (d => d with { SupplyCap = -1 }, "supply_cap"),
        ["item unknown"] = (d => d with { ItemId = "no-such-item" }, "item_id"),
        ["item id malformed"] = (d => d with { ItemId = "Tocilizumab 400" }, "item_id"),
        ["supplier not of the item"] = (d => d with { SupplierId = "generics-direct" }, "supplier_id"),
        ["supplier missing"] = (d => d with { SupplierId = "" }, "supplier_id"),
        ["supplier id malformed"] = (d => d with { SupplierId = "Pharma Wholesale" }, "supplier_id"),
    };

    private readonly ProcurementHarness _harness = new();

    public static TheoryData<string> SingleRuleCaseNames => new(SingleRuleCases.Keys);

    public async ValueTask InitializeAsync() => await _harness.RegisterSampleItemAsync();

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_opened_pool_reads_back_as_stored_open_and_empty()
    {
        var opened = await Open(Valid);

        var read = await _harness.GetAsync(opened.Id);

        Assert.True(Guid.TryParseExact(opened.Id, "D", out var id) && id.Version == 7);
        Assert.Equal(1, read.Version);
        var pool = read.Value;
        Assert.Equal((opened.Id, "Tocilizumab for CRS management, 2027", Item, "Tocilizumab 400 mg/20 mL", "vial", SupplierId, Currency),
            (pool.PoolId, pool.Title, pool.ItemId, pool.ItemName, pool.Unit, pool.SupplierId, pool.Currency));
        Assert.Equal(Tiers(), pool.Tiers);
        Assert.Equal((Start, ClosesAt, 100, (int?)250, PoolStatus.Open), (pool.OpensAt, pool.ClosesAt, pool.MinimumVolume, pool.SupplyCap, pool.Status));
        Assert.Equal((Start, Callers.Admin.Subject), (pool.OpenedAt, pool.OpenedBy));
        Assert.Empty(pool.Commitments);
        Assert.Null(pool.Outcome);
        Assert.Equal(((DateTimeOffset?)null, (string?)null, (string?)null), (pool.ClosedAt, pool.ClosedBy, pool.CloseReason));
        Assert.Equal(ProcurementMapping.ToContract(PoolView.Of(opened.Value, PoolViewer.Everything, Start), opened.Version), ProcurementMapping.ToContract(PoolView.Of(read.Value, PoolViewer.Everything, Start), read.Version));
    }

    [Fact]
    public async Task Opening_raises_PoolOpened_carrying_the_whole_pool()
    {
        var opened = await Open(Valid with { Title = "  Tocilizumab for CRS management, 2027 " });

        var raised = Assert.Single(await _harness.EventsAsync(Contract.PoolOpened.Parser));

        var expected = new Contract.Pool
        {
            PoolId = opened.Id,
            Title = "Tocilizumab for CRS management, 2027",
            ItemId = Item,
            ItemName = "Tocilizumab 400 mg/20 mL",
            Unit = "vial",
            SupplierId = SupplierId,
            Currency = "USD",
            PriceTiers = { WireTier(1, 520m), WireTier(50, 447.50m), WireTier(200, 389.25m) },
            OpensAt = Timestamp.FromDateTimeOffset(Start),
            ClosesAt = Timestamp.FromDateTimeOffset(ClosesAt),
            MinimumVolume = 100,
            SupplyCap = 250,
            Status = Contract.PoolStatus.Open,
            AcceptingCommitments = true,
            Totals = new Contract.PoolTotals
            {
                CommittedVolume = 0,
                Countries = 0,
                PricedVolume = 0,
                NextTier = new Contract.NextTier { Tier = WireTier(1, 520m), UnitsMore = 1 },
                UnitsToMinimum = 100,
            },
            OpenedAt = Timestamp.FromDateTimeOffset(Start),
            Revision = new Contracts.Common.V1.Revision { Version = 1 },
        };
        Assert.Equal(expected, raised.Pool);
        Assert.Equal(["consortium.procurement.v1.PoolOpened"], await _harness.TopicsAsync());
    }

    [Fact]
    public async Task A_pool_that_opens_later_is_announced_as_not_yet_accepting_commitments()
    {
        await Open(Valid with { OpensAt = Start.AddDays(1) });

        var raised = Assert.Single(await _harness.EventsAsync(Contract.PoolOpened.Parser));

        Assert.False(raised.Pool.AcceptingCommitments);
        Assert.Equal(Timestamp.FromDateTimeOffset(Start.AddDays(1)), raised.Pool.OpensAt);
        Assert.Equal(Timestamp.FromDateTimeOffset(Start), raised.Pool.OpenedAt);
    }

    [Theory]
    [MemberData(nameof(SingleRuleCaseNames))]
    public async Task Opening_with_one_broken_rule_names_its_field_alone_and_writes_and_raises_nothing(string name)
    {
        var (breakRule, field) = SingleRuleCases[name];

        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => Open(breakRule(Valid)));

        Assert.Equal([field], error.Violations.Select(v => v.Field));
        Assert.Equal(0, await _harness.CountAsync(ProcurementCollections.Pools));
        Assert.Empty(await _harness.OutboxAsync());
    }

    [Fact]
    public async Task A_closing_time_not_after_now_with_no_opening_time_is_reported_once_on_closes_at()
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => Open(Valid with { OpensAt = null, ClosesAt = Start.AddMinutes(-1) }));

        Assert.Equal(("closes_at", "must be after opens_at"), (Assert.Single(error.Violations).Field, error.Violations[0].Description));
        Assert.Equal(0, await _harness.CountAsync(ProcurementCollections.Pools));
    }

    [Fact]
    public async Task A_closing_time_after_an_opening_in_the_past_but_not_after_now_is_reported_as_not_later_than_now()
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => Open(Valid with { OpensAt = Start.AddDays(-2), ClosesAt = Start }));

        Assert.Equal(("closes_at", "must be later than now"), (Assert.Single(error.Violations).Field, error.Violations[0].Description));
        Assert.Equal(0, await _harness.CountAsync(ProcurementCollections.Pools));
    }

    [Fact]
    public async Task Every_broken_rule_of_an_opening_is_reported_at_once()
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            Open(new Draft("", "no-such-item", SupplierId, "XYZ", Tiers(), Start.AddDays(2), Start.AddDays(1), 0, null)));

        Assert.Equal(["title", "item_id", "currency", "closes_at", "minimum_volume"], error.Violations.Select(v => v.Field));
        Assert.Equal(0, await _harness.CountAsync(ProcurementCollections.Pools));
        Assert.Empty(await _harness.OutboxAsync());
    }

    [Fact]
    public async Task Pools_list_by_status_and_item()
    {
        var first = await Open(Valid);
        _harness.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Open(Valid with { Title = "Tocilizumab, second half" });
        await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(first.Id, "nobody committed"), Callers.Admin, None);

        var open = await _harness.ListPools.ExecuteAsync(new ListPoolsCommand(0, null, PoolStatus.Open, null), Callers.Admin, None);
        var failed = await _harness.ListPools.ExecuteAsync(new ListPoolsCommand(0, null, PoolStatus.Failed, Item), Callers.Admin, None);
        var ofOtherItem = await _harness.ListPools.ExecuteAsync(new ListPoolsCommand(0, null, null, "anakinra-100"), Callers.Admin, None);
        var paged = await _harness.ListPools.ExecuteAsync(new ListPoolsCommand(1, null, null, Item), Callers.Admin, None);
        var rest = await _harness.ListPools.ExecuteAsync(new ListPoolsCommand(1, paged.NextPageToken, null, Item), Callers.Admin, None);

        Assert.Equal([second.Id], open.Pools.Select(p => p.Id));
        Assert.Equal([first.Id], failed.Pools.Select(p => p.Id));
        Assert.Empty(ofOtherItem.Pools);
        Assert.Equal([first.Id], paged.Pools.Select(p => p.Id));
        Assert.Equal([second.Id], rest.Pools.Select(p => p.Id));
        Assert.Equal("", rest.NextPageToken);
    }

    [Fact]
    public async Task A_list_filtered_by_a_status_the_service_does_not_know_is_invalid_argument_on_status_alone()
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _harness.ListPools.ExecuteAsync(new ListPoolsCommand(-1, null, (PoolStatus)(-1), "Not An Item"), Callers.Admin, None));

        Assert.Equal([("status", "is not a pool status")], error.Violations.Select(v => (v.Field, v.Description)));
    }

    [Fact]
    public async Task A_malformed_or_unknown_pool_id_is_invalid_argument_or_not_found()
    {
        var malformed = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.GetPool.ExecuteAsync(new GetPoolCommand("pool-1"), Callers.Admin, None));
        await Assert.ThrowsAsync<NotFoundException>(() => _harness.GetPool.ExecuteAsync(new GetPoolCommand(Guid.CreateVersion7().ToString()), Callers.Admin, None));

        Assert.Equal(["pool_id"], malformed.Violations.Select(v => v.Field));
    }

    private Task<SeenPool> Open(Draft d) =>
        _harness.OpenPool.ExecuteAsync(new OpenPoolCommand(d.Title, d.ItemId, d.SupplierId, d.Currency, d.Tiers, d.OpensAt, d.ClosesAt, d.MinimumVolume, d.SupplyCap), Callers.Admin, None);
}
