using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Testing;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// Pooled procurement's done-when, through the gateway with real tokens from the KZ, UZ, KG
/// and consortium providers: the admin opens a pool with tiers, a minimum and a supply cap;
/// the three ministries' procurement officers commit, amend and withdraw, each seeing the
/// live pooled total and tier but only its own commitment; the closing job closes the pool
/// at its closing time and settles it (price, drop-outs, pro-rata allocation); each country
/// gets one purchase order and sees its own saving, the admin sees every country's. Bad input
/// is refused field by field over gRPC and REST, and the standalone demo's pools are checked.
/// Every expected figure is worked out by hand in the comments beside it.
/// </summary>
public sealed class ProcurementTests(PlatformFixture fixture)
{
    /// <summary>What the service writes as closed_by when a pool closed at its time.</summary>
    private const string ClosingJob = "closing job";

    /// <summary>How far ahead the pools of the closing tests close: room for a dozen calls on a busy machine.</summary>
    private static readonly TimeSpan ClosingIn = TimeSpan.FromSeconds(10);

    /// <summary>Where each country's units go: an institution of that country the registry knows.</summary>
    private static readonly Dictionary<string, string> DeliveryTo = new()
    {
        ["KZ"] = "kz-ncb-astana",
        ["UZ"] = "uz-tashkent-cell-lab",
        ["KG"] = "kg-bishkek-cell-lab",
    };

    private ProcurementService.ProcurementServiceClient As(DemoClient client) => new(fixture.Running.ChannelAs(client));

    [Fact]
    public async Task Three_countries_pool_their_demand_and_the_job_closes_the_pool_on_time_sharing_the_supply_cap_pro_rata()
    {
        var admin = As(DemoClients.Admin);
        var (kz, uz, kg) = (As(DemoClients.KzProcurement), As(DemoClients.UzProcurement), As(DemoClients.KgProcurement));
        await ReadyAsync(admin, kz, uz, kg);
        var item = await admin.RegisterItemAsync(Item("e2e-transduction-kit"));
        Assert.Equal(item, await kz.GetItemAsync(new GetItemRequest { ItemId = item.ItemId }));

        // 1,000.00 a kit, 900.00 from 10 kits pooled, 800.00 from 20; goes ahead from 10; the supplier delivers at most 21.
        var pool = await admin.OpenPoolAsync(Pool(item.ItemId, ClosingIn, minimum: 10, cap: 21, Tier(1, 1_000m), Tier(10, 900m), Tier(20, 800m)));
        Assert.Equal((PoolStatus.Open, true, 21), (pool.Status, pool.AcceptingCommitments, pool.SupplyCap));

        // KZ commits 8: 2 short of the minimum and of the 900.00 tier. The commitment takes the pool's revision it is written at.
        var seenByKz = await kz.CommitAsync(Commitment(pool.PoolId, "KZ", 8, 1_000m));
        Assert.Equal(Totals(8, 1, 8, Tier(1, 1_000m), Next(Tier(10, 900m), 2), toMinimum: 2), seenByKz.Totals);
        var kzFirstRevision = Assert.Single(seenByKz.Commitments).Revision.Version;
        Assert.Equal((pool.Revision.Version + 1, pool.Revision.Version + 1), (seenByKz.Revision.Version, kzFirstRevision));
        // KZ amends to 12 at no more than 950.00: 12 reach the 900.00 tier, 8 short of the next.
        seenByKz = await kz.CommitAsync(Commitment(pool.PoolId, "KZ", 12, 950m, expectedRevision: kzFirstRevision));
        Assert.Equal(Totals(12, 1, 12, Tier(10, 900m), Next(Tier(20, 800m), 8), toMinimum: 0), seenByKz.Totals);
        var kzRevision = Assert.Single(seenByKz.Commitments).Revision.Version;
        Assert.Equal((kzFirstRevision + 1, kzFirstRevision + 1), (seenByKz.Revision.Version, kzRevision));
        // Neither a first commitment (0) nor an amendment of the commitment as it was before (its first revision) is taken.
        foreach (var staleRevision in new[] { 0, kzFirstRevision })
        {
            var stale = await Assert.ThrowsAsync<RpcException>(() => kz.CommitAsync(Commitment(pool.PoolId, "KZ", 13, 950m, staleRevision)).ResponseAsync);
            Assert.Equal((staleRevision, StatusCode.Aborted), (staleRevision, stale.StatusCode));
        }
        var notTheirs = await Assert.ThrowsAsync<RpcException>(() =>
            uz.CommitAsync(Commitment(pool.PoolId, "KZ", 1, 950m, expectedRevision: kzRevision)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);
        // UZ commits 7 (19 pooled, 1 short of 800.00); KG commits 6: 25 pooled, priced at the cap of 21, the best tier.
        var seenByUz = await uz.CommitAsync(Commitment(pool.PoolId, "UZ", 7, 900m));
        Assert.Equal(Totals(19, 2, 19, Tier(10, 900m), Next(Tier(20, 800m), 1), toMinimum: 0), seenByUz.Totals);
        var uzRevision = Assert.Single(seenByUz.Commitments).Revision.Version;
        Assert.Equal((kzRevision + 1, kzRevision + 1), (seenByUz.Revision.Version, uzRevision));
        await kg.CommitAsync(Commitment(pool.PoolId, "KG", 6, 850m));

        var live = Totals(25, 3, 21, Tier(20, 800m), next: null, toMinimum: 0);
        foreach (var (officer, country, quantity) in new[] { (kz, "KZ", 12), (uz, "UZ", 7), (kg, "KG", 6) })
        {
            var seen = await officer.GetPoolAsync(new GetPoolRequest { PoolId = pool.PoolId });
            Assert.Equal(live, seen.Totals);
            var own = Assert.Single(seen.Commitments);
            Assert.Equal((country, quantity, DeliveryTo[country]), (own.CountryCode, own.Quantity, own.DeliveryInstitutionId));
        }
        var kzCommitment = Assert.Single((await kz.GetPoolAsync(new GetPoolRequest { PoolId = pool.PoolId })).Commitments);
        // Still the revision KZ's amendment got: UZ's and KG's commitments moved the pool on, not KZ's commitment.
        Assert.Equal((Usd(950m), kzRevision), (kzCommitment.MaxUnitPrice, kzCommitment.Revision.Version));
        Assert.NotEmpty(kzCommitment.CommittedBy);
        // If it closed now: 800.00 a kit, the cap of 21 shared pro rata (worked out below); KZ sees its own figures only.
        var projected = await kz.GetSavingsAsync(new GetSavingsRequest { PoolId = pool.PoolId });
        Assert.Equal((SavingsBasis.Projected, Usd(800m), Figures(16_800m, 20_000m, 3_200m)), (projected.Basis, projected.UnitPrice, projected.Pool));
        Assert.Equal([Country("KZ", 10, 900m, 8_000m, 9_000m, 1_000m)], projected.Countries);

        var closed = await ClosedByTheJobAsync(admin, pool);

        // 25 committed, all at or above 800.00: nobody drops out; 21 delivered, shared by largest remainder:
        // 21 x 12/25 = 10.08, 21 x 7/25 = 5.88, 21 x 6/25 = 5.04 -> floors 10 + 5 + 5 = 20; the one kit left
        // goes to the largest remainder, UZ's .88 (not to KZ, the largest claim): KZ 10, UZ 6, KG 5.
        Assert.Equal((PoolStatus.Settled, false), (closed.Status, closed.AcceptingCommitments));
        var outcome = closed.Outcome;
        Assert.Equal((FailureReason.Unspecified, 25, 25, 21, Tier(20, 800m), true),
            (outcome.FailureReason, outcome.CommittedVolume, outcome.KeptVolume, outcome.DeliveredVolume, outcome.Tier, outcome.CapBinds));
        Assert.Equal([("KG", 6, 5), ("KZ", 12, 10), ("UZ", 7, 6)], outcome.Allocations.Select(a => (a.CountryCode, a.Committed, a.Allocated)).Order());
        Assert.Empty(outcome.Dropped);
        Assert.Equal(3, closed.Commitments.Count);

        // Each country alone: KZ's 10 kits reach the 900.00 tier, UZ's 6 and KG's 5 only the 1,000.00 one.
        // KZ pays 10 x 800 = 8,000 instead of 9,000; UZ 4,800 instead of 6,000; KG 4,000 instead of 5,000.
        var kzSaving = Country("KZ", 10, 900m, 8_000m, 9_000m, 1_000m);
        var uzSaving = Country("UZ", 6, 1_000m, 4_800m, 6_000m, 1_200m);
        var kgSaving = Country("KG", 5, 1_000m, 4_000m, 5_000m, 1_000m);
        var poolSaving = Figures(16_800m, 20_000m, 3_200m);
        var all = await admin.GetSavingsAsync(new GetSavingsRequest { PoolId = pool.PoolId });
        Assert.Equal((SavingsBasis.Final, "USD", Usd(800m), poolSaving), (all.Basis, all.Currency, all.UnitPrice, all.Pool));
        Assert.Equal([kgSaving, kzSaving, uzSaving], all.Countries.OrderBy(c => c.CountryCode, StringComparer.Ordinal));

        foreach (var (officer, country, committed, allocated, saving) in new[] { (kz, "KZ", 12, 10, kzSaving), (uz, "UZ", 7, 6, uzSaving), (kg, "KG", 6, 5, kgSaving) })
        {
            var seen = await officer.GetPoolAsync(new GetPoolRequest { PoolId = pool.PoolId });
            Assert.Equal((PoolStatus.Settled, ClosingJob), (seen.Status, seen.ClosedBy));
            Assert.Equal(country, Assert.Single(seen.Commitments).CountryCode);
            var allocation = Assert.Single(seen.Outcome.Allocations);
            Assert.Equal((country, committed, allocated), (allocation.CountryCode, allocation.Committed, allocation.Allocated));
            var savings = await officer.GetSavingsAsync(new GetSavingsRequest { PoolId = pool.PoolId });
            Assert.Equal((SavingsBasis.Final, poolSaving), (savings.Basis, savings.Pool));
            Assert.Equal([saving], savings.Countries);

            var orders = await officer.ListPurchaseOrdersAsync(new ListPurchaseOrdersRequest { PoolId = pool.PoolId });
            var order = Assert.Single(orders.PurchaseOrders);
            Assert.Equal(($"{pool.PoolId}.{country}", country, allocated, committed), (order.PurchaseOrderId, order.CountryCode, order.Quantity, order.CommittedQuantity));
            Assert.Equal((Usd(800m), saving.Figures.Paid, saving.AloneUnitPrice, saving.Figures), (order.UnitPrice, order.Total, order.AloneUnitPrice, order.Savings));
            Assert.Equal((item.ItemId, "supplier-one", DeliveryTo[country], $"{country}-MOH-E2E"), (order.ItemId, order.SupplierId, order.DeliveryInstitutionId, order.BudgetReference));
            Assert.Equal(order, await officer.GetPurchaseOrderAsync(new GetPurchaseOrderRequest { PurchaseOrderId = order.PurchaseOrderId }));
            // Unfiltered, an officer's list is its own country's orders (the demo's among them), never another's.
            Assert.All((await officer.ListPurchaseOrdersAsync(new ListPurchaseOrdersRequest { Page = new PageRequest { PageSize = 200 } })).PurchaseOrders,
                o => Assert.Equal(country, o.CountryCode));
        }
        var everyOrder = await admin.ListPurchaseOrdersAsync(new ListPurchaseOrdersRequest { PoolId = pool.PoolId });
        Assert.Equal([("KG", 5), ("KZ", 10), ("UZ", 6)], everyOrder.PurchaseOrders.Select(o => (o.CountryCode, o.Quantity)).Order());
        var othersOrder = await Assert.ThrowsAsync<RpcException>(() => uz.GetPurchaseOrderAsync(new GetPurchaseOrderRequest { PurchaseOrderId = $"{pool.PoolId}.KZ" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, othersOrder.StatusCode);
        var othersList = await Assert.ThrowsAsync<RpcException>(() => uz.ListPurchaseOrdersAsync(new ListPurchaseOrdersRequest { CountryCode = "KZ" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, othersList.StatusCode);

        // Closed: no commitment, amendment or withdrawal is taken any more.
        var late = await Assert.ThrowsAsync<RpcException>(() => kz.CommitAsync(Commitment(pool.PoolId, "KZ", 14, 950m, expectedRevision: kzRevision)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        var lateWithdrawal = await Assert.ThrowsAsync<RpcException>(() =>
            uz.WithdrawCommitmentAsync(new WithdrawCommitmentRequest { PoolId = pool.PoolId, CountryCode = "UZ", ExpectedRevision = uzRevision }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, lateWithdrawal.StatusCode);
        Assert.Equal(closed.Revision, (await admin.GetPoolAsync(new GetPoolRequest { PoolId = pool.PoolId })).Revision);
    }

    [Fact]
    public async Task A_commitment_whose_maximum_price_is_below_the_pools_price_drops_out_at_closing_and_gets_no_order()
    {
        var admin = As(DemoClients.Admin);
        var (kz, uz, kg) = (As(DemoClients.KzProcurement), As(DemoClients.UzProcurement), As(DemoClients.KgProcurement));
        await ReadyAsync(admin, kz, uz, kg);
        var item = await admin.RegisterItemAsync(Item("e2e-cytokine-pack"));

        // 500.00 a pack, 450.00 from 15 pooled, 400.00 from 20; goes ahead from 10; no supply cap.
        var pool = await admin.OpenPoolAsync(Pool(item.ItemId, ClosingIn, minimum: 10, cap: 0, Tier(1, 500m), Tier(15, 450m), Tier(20, 400m)));
        // UZ commits 3, withdraws, and commits 6 afresh (a first commitment again: revision 0 expected; it gets the pool's
        // revision it is written at, above the withdrawn one's, so the withdrawn commitment's revision cannot change it).
        var first = await uz.CommitAsync(Commitment(pool.PoolId, "UZ", 3, 460.50m));
        var firstRevision = Assert.Single(first.Commitments).Revision.Version;
        var withdrawn = await uz.WithdrawCommitmentAsync(new WithdrawCommitmentRequest { PoolId = pool.PoolId, CountryCode = "UZ", ExpectedRevision = firstRevision });
        Assert.Equal((3, 0, 0), (first.Totals.CommittedVolume, withdrawn.Totals.CommittedVolume, withdrawn.Commitments.Count));
        var again = await uz.CommitAsync(Commitment(pool.PoolId, "UZ", 6, 460.50m));
        Assert.Equal((pool.Revision.Version + 1, pool.Revision.Version + 3, pool.Revision.Version + 3),
            (firstRevision, again.Revision.Version, Assert.Single(again.Commitments).Revision.Version));
        var staleWithdrawal = await Assert.ThrowsAsync<RpcException>(() =>
            uz.WithdrawCommitmentAsync(new WithdrawCommitmentRequest { PoolId = pool.PoolId, CountryCode = "UZ", ExpectedRevision = firstRevision }).ResponseAsync);
        Assert.Equal(StatusCode.Aborted, staleWithdrawal.StatusCode);
        await kz.CommitAsync(Commitment(pool.PoolId, "KZ", 10, 480m));
        // KG accepts no more than 399.99: it stays in the live total (drop-outs happen at closing only).
        var seenByKg = await kg.CommitAsync(Commitment(pool.PoolId, "KG", 5, 399.99m));
        Assert.Equal(Totals(21, 3, 21, Tier(20, 400m), next: null, toMinimum: 0), seenByKg.Totals);
        // The projection already settles as the closing would: without KG, at 450.00 (worked out below).
        var projected = await kg.GetSavingsAsync(new GetSavingsRequest { PoolId = pool.PoolId });
        Assert.Equal((SavingsBasis.Projected, Usd(450m), Figures(7_200m, 8_000m, 800m)), (projected.Basis, projected.UnitPrice, projected.Pool));
        Assert.Empty(projected.Countries);

        var closed = await ClosedByTheJobAsync(admin, pool);

        // Round 1: 21 pooled -> 400.00; KG's 399.99 is below it and drops out. Round 2: 16 kept -> 450.00
        // (KG's going raised the others' price); KZ's 480.00 and UZ's 460.50 stand: fixed at 450.00.
        var outcome = closed.Outcome;
        Assert.Equal((PoolStatus.Settled, 21, 16, 16, Tier(15, 450m), false),
            (closed.Status, outcome.CommittedVolume, outcome.KeptVolume, outcome.DeliveredVolume, outcome.Tier, outcome.CapBinds));
        var dropped = Assert.Single(outcome.Dropped);
        Assert.Equal(("KG", 5, Usd(399.99m), Usd(400m), 1), (dropped.CountryCode, dropped.Quantity, dropped.MaxUnitPrice, dropped.PriceThen, dropped.Round));
        Assert.Equal([("KZ", 10, 10), ("UZ", 6, 6)], outcome.Allocations.Select(a => (a.CountryCode, a.Committed, a.Allocated)).Order());

        // Alone, KZ's 10 and UZ's 6 reach only the 500.00 tier: KZ pays 4,500 instead of 5,000, UZ 2,700 instead of 3,000.
        var poolSaving = Figures(7_200m, 8_000m, 800m);
        var kzSavings = await kz.GetSavingsAsync(new GetSavingsRequest { PoolId = pool.PoolId });
        Assert.Equal((SavingsBasis.Final, poolSaving), (kzSavings.Basis, kzSavings.Pool));
        Assert.Equal([Country("KZ", 10, 500m, 4_500m, 5_000m, 500m)], kzSavings.Countries);
        var kgSavings = await kg.GetSavingsAsync(new GetSavingsRequest { PoolId = pool.PoolId });
        Assert.Equal((SavingsBasis.Final, poolSaving), (kgSavings.Basis, kgSavings.Pool));
        Assert.Empty(kgSavings.Countries);

        // KG sees its own drop-out and no allocation; KZ sees its allocation and not KG's drop-out.
        var seenByKgAfter = await kg.GetPoolAsync(new GetPoolRequest { PoolId = pool.PoolId });
        Assert.Equal("KG", Assert.Single(seenByKgAfter.Outcome.Dropped).CountryCode);
        Assert.Empty(seenByKgAfter.Outcome.Allocations);
        var seenByKz = await kz.GetPoolAsync(new GetPoolRequest { PoolId = pool.PoolId });
        Assert.Empty(seenByKz.Outcome.Dropped);
        Assert.Equal("KZ", Assert.Single(seenByKz.Outcome.Allocations).CountryCode);

        // Orders for KZ and UZ only.
        var orders = await admin.ListPurchaseOrdersAsync(new ListPurchaseOrdersRequest { PoolId = pool.PoolId });
        Assert.Equal([("KZ", 10, 4_500m), ("UZ", 6, 2_700m)], orders.PurchaseOrders.Select(o => (o.CountryCode, o.Quantity, Amount(o.Total))).Order());
        Assert.Empty((await kg.ListPurchaseOrdersAsync(new ListPurchaseOrdersRequest { PoolId = pool.PoolId })).PurchaseOrders);
        var none = await Assert.ThrowsAsync<RpcException>(() => kg.GetPurchaseOrderAsync(new GetPurchaseOrderRequest { PurchaseOrderId = $"{pool.PoolId}.KG" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, none.StatusCode);
        // Another country learns nothing of KG's order, not even that there is none (that KG dropped out):
        // it is refused alike whether the order exists or not.
        foreach (var other in new[] { "KG", "KZ" })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => uz.GetPurchaseOrderAsync(new GetPurchaseOrderRequest { PurchaseOrderId = $"{pool.PoolId}.{other}" }).ResponseAsync);
            Assert.Equal((other, StatusCode.PermissionDenied), (other, refused.StatusCode));
        }
    }

    [Fact]
    public async Task Bad_input_gets_invalid_argument_naming_the_fields_over_grpc_and_rest_and_stores_nothing()
    {
        var admin = As(DemoClients.Admin);
        var kz = As(DemoClients.KzProcurement);
        var item = await admin.RegisterItemAsync(Item("e2e-tubing-set"));
        var pool = await admin.OpenPoolAsync(Pool(item.ItemId, TimeSpan.FromDays(30), minimum: 1, cap: 0, Tier(1, 100m)));

        var unknownCurrency = Pool(item.ItemId, TimeSpan.FromDays(30), minimum: 1, cap: 0, Tier(1, 100m));
        unknownCurrency.Currency = "XYZ";
        var closingBeforeOpening = Pool(item.ItemId, TimeSpan.FromHours(1), minimum: 1, cap: 0, Tier(1, 100m));
        closingBeforeOpening.OpensAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(2));
        Assert.Equal(["currency"], await ViolationsAsync(() => admin.OpenPoolAsync(unknownCurrency).ResponseAsync));
        Assert.Equal(["closes_at"], await ViolationsAsync(() => admin.OpenPoolAsync(closingBeforeOpening).ResponseAsync));
        Assert.Equal(["quantity"], await ViolationsAsync(() => kz.CommitAsync(Commitment(pool.PoolId, "KZ", 0, 100m)).ResponseAsync));
        Assert.Equal(["quantity"], await ViolationsAsync(() => kz.CommitAsync(Commitment(pool.PoolId, "KZ", -5, 100m)).ResponseAsync));

        using var adminRest = await fixture.Running.HttpAsAsync(DemoClients.Admin);
        using var kzRest = await fixture.Running.HttpAsAsync(DemoClients.KzProcurement);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(["currency"], await RestViolationsAsync(adminRest.PostAsJsonAsync("/v1/procurement/pools", RestPool(item.ItemId, "XYZ", null, now.AddDays(30)))));
        Assert.Equal(["closes_at"], await RestViolationsAsync(adminRest.PostAsJsonAsync("/v1/procurement/pools", RestPool(item.ItemId, "USD", now.AddHours(2), now.AddHours(1)))));
        foreach (var quantity in new[] { 0, -5 })
        {
            Assert.Equal(["quantity"], await RestViolationsAsync(kzRest.PutAsJsonAsync($"/v1/procurement/pools/{pool.PoolId}/commitments/KZ", new
            {
                quantity,
                maxUnitPrice = new { currencyCode = "USD", units = "100" },
                deliveryInstitutionId = DeliveryTo["KZ"],
                budgetReference = "KZ-MOH-E2E",
            })));
        }

        var pools = await admin.ListPoolsAsync(new ListPoolsRequest { ItemId = item.ItemId });
        Assert.Equal([pool.PoolId], pools.Pools.Select(p => p.PoolId));
        var unchanged = Assert.Single(pools.Pools);
        Assert.Equal((pool.Revision, 0), (unchanged.Revision, unchanged.Totals.CommittedVolume));
    }

    [Fact]
    public async Task The_demo_has_an_open_vector_pool_with_three_commitments_and_a_settled_tocilizumab_pool_with_three_orders_and_final_savings()
    {
        var admin = As(DemoClients.Admin);
        var items = (await admin.ListItemsAsync(new ListItemsRequest())).Items.Select(i => i.ItemId).ToArray();
        Assert.All(["lv-cd19-vector-lot", "prodigy-ts520", "tcell-transduction-kit", "il7-il15-cytokines", "tocilizumab-400", "tisagenlecleucel-dose"],
            id => Assert.Contains(id, items));

        // Vector lots: 185,000 a lot, 152,500 from 4, 128,750 from 10; at least 4, at most 12; KZ 5, UZ 3, KG 2.
        var vectors = Assert.Single((await admin.ListPoolsAsync(new ListPoolsRequest { ItemId = "lv-cd19-vector-lot" })).Pools);
        Assert.Equal((PoolStatus.Open, true, "demo-vector-gmbh", 4, 12), (vectors.Status, vectors.AcceptingCommitments, vectors.SupplierId, vectors.MinimumVolume, vectors.SupplyCap));
        Assert.Equal([Tier(1, 185_000m), Tier(4, 152_500m), Tier(10, 128_750m)], vectors.PriceTiers);
        Assert.Equal([("KG", 2, 150_000m), ("KZ", 5, 160_000m), ("UZ", 3, 155_000m)],
            vectors.Commitments.Select(c => (c.CountryCode, c.Quantity, Amount(c.MaxUnitPrice))).Order());
        Assert.Equal(Totals(10, 3, 10, Tier(10, 128_750m), next: null, toMinimum: 0), vectors.Totals);
        Assert.Equal("KZ", Assert.Single((await As(DemoClients.KzProcurement).GetPoolAsync(new GetPoolRequest { PoolId = vectors.PoolId })).Commitments).CountryCode);
        // If it closed now, 10 lots at 128,750 = 1,287,500; alone KZ's 5 at 152,500, UZ's 3 and KG's 2 at 185,000 = 1,687,500.
        var projected = await admin.GetSavingsAsync(new GetSavingsRequest { PoolId = vectors.PoolId });
        Assert.Equal((SavingsBasis.Projected, Figures(1_287_500m, 1_687_500m, 400_000m)), (projected.Basis, projected.Pool));

        // Tocilizumab: 520.00 a vial, 447.50 from 50, 389.25 from 200; KZ 120, UZ 80, KG 30 = 230, closed early by the consortium.
        var tocilizumab = Assert.Single((await admin.ListPoolsAsync(new ListPoolsRequest { ItemId = "tocilizumab-400" })).Pools);
        Assert.Equal((PoolStatus.Settled, 230, 230, Tier(200, 389.25m), false),
            (tocilizumab.Status, tocilizumab.Outcome.KeptVolume, tocilizumab.Outcome.DeliveredVolume, tocilizumab.Outcome.Tier, tocilizumab.Outcome.CapBinds));
        Assert.NotEqual(ClosingJob, tocilizumab.ClosedBy);
        Assert.NotEmpty(tocilizumab.CloseReason);
        var orders = await admin.ListPurchaseOrdersAsync(new ListPurchaseOrdersRequest { PoolId = tocilizumab.PoolId });
        // 30 x 389.25 = 11,677.50; 120 x 389.25 = 46,710.00; 80 x 389.25 = 31,140.00.
        Assert.Equal([("KG", 30, 11_677.50m), ("KZ", 120, 46_710m), ("UZ", 80, 31_140m)],
            orders.PurchaseOrders.Select(o => (o.CountryCode, o.Quantity, Amount(o.Total))).Order());
        // Alone, KZ's 120 and UZ's 80 reach 447.50, KG's 30 only 520.00.
        var savings = await admin.GetSavingsAsync(new GetSavingsRequest { PoolId = tocilizumab.PoolId });
        Assert.Equal((SavingsBasis.Final, Usd(389.25m), Figures(89_527.50m, 105_100m, 15_572.50m)), (savings.Basis, savings.UnitPrice, savings.Pool));
        Assert.Equal(
            [Country("KG", 30, 520m, 11_677.50m, 15_600m, 3_922.50m), Country("KZ", 120, 447.50m, 46_710m, 53_700m, 6_990m), Country("UZ", 80, 447.50m, 31_140m, 35_800m, 4_660m)],
            savings.Countries.OrderBy(c => c.CountryCode, StringComparer.Ordinal));
        var uz = As(DemoClients.UzProcurement);
        Assert.Equal([Country("UZ", 80, 447.50m, 31_140m, 35_800m, 4_660m)], (await uz.GetSavingsAsync(new GetSavingsRequest { PoolId = tocilizumab.PoolId })).Countries);
        Assert.Equal([$"{tocilizumab.PoolId}.UZ"],
            (await uz.ListPurchaseOrdersAsync(new ListPurchaseOrdersRequest { PoolId = tocilizumab.PoolId })).PurchaseOrders.Select(o => o.PurchaseOrderId));
    }

    /// <summary>Fetches every caller's token and warms the paths, so that the closing clock is spent on the calls under test.</summary>
    private static async Task ReadyAsync(params ProcurementService.ProcurementServiceClient[] clients) =>
        await Task.WhenAll(clients.Select(c => c.ListPoolsAsync(new ListPoolsRequest { Page = new PageRequest { PageSize = 1 } }).ResponseAsync));

    /// <summary>Waits for the closing time, then until the closing job has closed the pool; checks it closed it then, not earlier.</summary>
    private static async Task<Pool> ClosedByTheJobAsync(ProcurementService.ProcurementServiceClient admin, Pool pool)
    {
        var untilClosing = pool.ClosesAt.ToDateTimeOffset() - DateTimeOffset.UtcNow;
        if (untilClosing > TimeSpan.Zero)
        {
            await Task.Delay(untilClosing);
        }
        var closed = await Eventually.SucceedsAsync(async () =>
        {
            var read = await admin.GetPoolAsync(new GetPoolRequest { PoolId = pool.PoolId });
            Assert.NotEqual(PoolStatus.Open, read.Status);
            return read;
        });
        Assert.Equal((ClosingJob, ""), (closed.ClosedBy, closed.CloseReason));
        Assert.True(closed.ClosedAt >= closed.ClosesAt, $"Closed at {closed.ClosedAt}, before its closing time {closed.ClosesAt}.");
        Assert.Equal(pool.ClosesAt, closed.ClosesAt);
        return closed;
    }

    private static async Task<string[]> ViolationsAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        return [.. error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field)];
    }

    private static async Task<string[]> RestViolationsAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        Assert.Equal(3, body.RootElement.GetProperty("code").GetInt32());
        return [.. body.RootElement.GetProperty("details")[0].GetProperty("fieldViolations").EnumerateArray().Select(v => v.GetProperty("field").GetString()!)];
    }

    /// <summary>A pool over REST/JSON, in protobuf's JSON names: one tier of 100 in <paramref name="currency"/>.</summary>
    private static object RestPool(string itemId, string currency, DateTimeOffset? opensAt, DateTimeOffset closesAt) => new
    {
        title = "Bad input over REST",
        itemId,
        supplierId = "supplier-one",
        currency,
        priceTiers = new[] { new { minQuantity = 1, unitPrice = new { currencyCode = currency, units = "100" } } },
        opensAt = opensAt is { } at ? Rfc3339(at) : null,
        closesAt = Rfc3339(closesAt),
        minimumVolume = 1,
    };

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static RegisterItemRequest Item(string itemId) => new()
    {
        ItemId = itemId,
        Name = "End-to-end item " + itemId,
        Category = ItemCategory.ReagentKit,
        Unit = "kit",
        PackSize = 1,
        PackContents = "one manufacturing run",
        Suppliers = { new Supplier { SupplierId = "supplier-one", Name = "Supplier One GmbH", CountryCode = "DE" } },
    };

    private static OpenPoolRequest Pool(string itemId, TimeSpan closingIn, int minimum, int cap, params PriceTier[] tiers) => new()
    {
        Title = "Pool of " + itemId,
        ItemId = itemId,
        SupplierId = "supplier-one",
        Currency = "USD",
        PriceTiers = { tiers },
        ClosesAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + closingIn),
        MinimumVolume = minimum,
        SupplyCap = cap,
    };

    private static CommitRequest Commitment(string poolId, string country, int quantity, decimal maxUnitPrice, long expectedRevision = 0) => new()
    {
        PoolId = poolId,
        CountryCode = country,
        Quantity = quantity,
        MaxUnitPrice = Usd(maxUnitPrice),
        DeliveryInstitutionId = DeliveryTo[country],
        BudgetReference = $"{country}-MOH-E2E",
        ExpectedRevision = expectedRevision,
    };

    private static PoolTotals Totals(int committed, int countries, int priced, PriceTier tier, NextTier? next, int toMinimum) => new()
    {
        CommittedVolume = committed,
        Countries = countries,
        PricedVolume = priced,
        Tier = tier,
        NextTier = next,
        UnitsToMinimum = toMinimum,
    };

    private static NextTier Next(PriceTier tier, int unitsMore) => new() { Tier = tier, UnitsMore = unitsMore };

    private static PriceTier Tier(int minQuantity, decimal usd) => new() { MinQuantity = minQuantity, UnitPrice = Usd(usd) };

    private static CountrySavings Country(string code, int units, decimal aloneUnitPrice, decimal paid, decimal alone, decimal saving) => new()
    {
        CountryCode = code,
        Units = units,
        AloneUnitPrice = Usd(aloneUnitPrice),
        Figures = Figures(paid, alone, saving),
    };

    private static SavingsFigures Figures(decimal paid, decimal alone, decimal saving) => new() { Paid = Usd(paid), Alone = Usd(alone), Saving = Usd(saving) };

    /// <summary>An amount of US dollars as google.type.Money carries it: whole units and nanos.</summary>
    private static Google.Type.Money Usd(decimal amount)
    {
        var units = decimal.Truncate(amount);
        return new Google.Type.Money { CurrencyCode = "USD", Units = (long)units, Nanos = (int)((amount - units) * 1_000_000_000m) };
    }

    private static decimal Amount(Google.Type.Money money)
    {
        Assert.Equal("USD", money.CurrencyCode);
        return money.Units + money.Nanos / 1_000_000_000m;
    }
}
