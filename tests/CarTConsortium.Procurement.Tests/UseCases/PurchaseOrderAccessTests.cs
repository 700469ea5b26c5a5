using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Procurement.UseCases.PurchaseOrders;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.ProcurementHarness;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>Who reads which purchase orders: an officer their own country's only, an admin every one. Two settled pools, KZ and UZ in each.</summary>
public sealed class PurchaseOrderAccessTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();
    private SeenPool _first = null!;
    private SeenPool _second = null!;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KZ", "UZ");
        _first = await SettledPoolAsync(120, 80);
        _harness.Clock.Advance(TimeSpan.FromSeconds(1));
        _second = await SettledPoolAsync(60, 50);
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_officer_lists_only_their_own_countrys_orders()
    {
        var all = await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, null, null), Officer("KZ"), None);
        var named = await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, null, "KZ"), Officer("KZ"), None);
        var ofPool = await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, _second.Id, null), Officer("KZ"), None);

        Assert.Equal([$"{_first.Id}.KZ", $"{_second.Id}.KZ"], all.Orders.Select(o => o.Id));
        Assert.Equal(all.Orders.Select(o => o.Id), named.Orders.Select(o => o.Id));
        Assert.Equal([$"{_second.Id}.KZ"], ofPool.Orders.Select(o => o.Id));
        Assert.Equal([120, 60], all.Orders.Select(o => o.Value.Quantity));
    }

    [Fact]
    public async Task An_officer_naming_another_country_is_permission_denied()
    {
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, null, "UZ"), Officer("KZ"), None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, _first.Id, "UZ"), Officer("KZ"), None));
    }

    [Fact]
    public async Task A_caller_whose_token_names_no_country_and_is_no_admin_lists_nothing()
    {
        var stateless = Callers.Of(Roles.ProcurementOfficer, null, "consortium-secretariat");

        await Assert.ThrowsAsync<PermissionDeniedException>(() => _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, null, null), stateless, None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _harness.GetPurchaseOrder.ExecuteAsync(new GetPurchaseOrderCommand($"{_first.Id}.KZ"), stateless, None));
    }

    [Fact]
    public async Task An_admin_lists_every_order_filtered_and_paged_as_asked()
    {
        var all = await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, null, null), Callers.Admin, None);
        var uz = await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, null, "UZ"), Callers.Admin, None);
        var page = await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(3, null, null, null), Callers.Admin, None);
        var rest = await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(3, page.NextPageToken, null, null), Callers.Admin, None);

        Assert.Equal([$"{_first.Id}.KZ", $"{_first.Id}.UZ", $"{_second.Id}.KZ", $"{_second.Id}.UZ"], all.Orders.Select(o => o.Id));
        Assert.Equal([$"{_first.Id}.UZ", $"{_second.Id}.UZ"], uz.Orders.Select(o => o.Id));
        Assert.Equal(3, page.Orders.Count);
        Assert.Equal([$"{_second.Id}.UZ"], rest.Orders.Select(o => o.Id));
        Assert.Equal("", rest.NextPageToken);
    }

    [Fact]
    public async Task An_officer_reads_their_own_order_and_another_countrys_is_permission_denied()
    {
        var own = await _harness.GetPurchaseOrder.ExecuteAsync(new GetPurchaseOrderCommand($"{_first.Id}.KZ"), Officer("KZ"), None);

        await Assert.ThrowsAsync<PermissionDeniedException>(() => _harness.GetPurchaseOrder.ExecuteAsync(new GetPurchaseOrderCommand($"{_first.Id}.UZ"), Officer("KZ"), None));

        Assert.Equal(("KZ", 120, Usd(389.25m), Usd(46_710m)), (own.Value.CountryCode, own.Value.Quantity, own.Value.UnitPrice, own.Value.Total));
    }

    [Fact]
    public async Task An_admin_reads_any_order_an_unknown_one_is_not_found_and_a_malformed_id_invalid()
    {
        var uz = await _harness.GetPurchaseOrder.ExecuteAsync(new GetPurchaseOrderCommand($"{_second.Id}.UZ"), Callers.Admin, None);
        await Assert.ThrowsAsync<NotFoundException>(() => _harness.GetPurchaseOrder.ExecuteAsync(new GetPurchaseOrderCommand($"{_second.Id}.KG"), Callers.Admin, None));
        var malformed = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.GetPurchaseOrder.ExecuteAsync(new GetPurchaseOrderCommand($"{_second.Id}/UZ"), Callers.Admin, None));
        var lowerCase = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.GetPurchaseOrder.ExecuteAsync(new GetPurchaseOrderCommand($"{_second.Id}.uz"), Callers.Admin, None));

        Assert.Equal(("UZ", 50, Usd(447.50m)), (uz.Value.CountryCode, uz.Value.Quantity, uz.Value.UnitPrice));
        Assert.Equal(["purchase_order_id"], malformed.Violations.Select(v => v.Field));
        Assert.Equal(["purchase_order_id"], lowerCase.Violations.Select(v => v.Field));
    }

    private async Task<SeenPool> SettledPoolAsync(int kz, int uz)
    {
        var pool = await _harness.OpenSamplePoolAsync();
        await _harness.CommitAsync(pool.Id, "KZ", kz, 600m);
        await _harness.CommitAsync(pool.Id, "UZ", uz, 600m);
        return await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, "every member has committed"), Callers.Admin, None);
    }
}
