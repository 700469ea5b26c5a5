using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Procurement.Api;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.ProcurementHarness;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;
using Contract = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// What a reader sees of a pool and its savings through the mapping: an officer the pooled
/// totals and their own country's commitment, allocation, drop-out and savings only; an admin
/// every country's. The pool: KZ 120 (max 480), UZ 50 (max 440), KG 30 (max 389), TJ 20
/// (max 500); KG drops in round 1 and UZ in round 2, KZ and TJ settle at 447.50.
/// </summary>
public sealed class VisibilityTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();
    private SeenPool _pool = null!;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KG", "KZ", "TJ", "UZ");
        _pool = await _harness.OpenSamplePoolAsync();
        await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m);
        await _harness.CommitAsync(_pool.Id, "UZ", 50, 440m);
        await _harness.CommitAsync(_pool.Id, "KG", 30, 389m);
        await _harness.CommitAsync(_pool.Id, "TJ", 20, 500m);
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_officer_sees_the_full_totals_of_an_open_pool_but_only_their_own_commitment()
    {
        var kz = ProcurementMapping.ToContract(await _harness.GetPool.ExecuteAsync(new GetPoolCommand(_pool.Id), Officer("KZ"), None));
        var admin = ProcurementMapping.ToContract(await _harness.GetPool.ExecuteAsync(new GetPoolCommand(_pool.Id), Callers.Admin, None));

        Assert.Equal(["KZ"], kz.Commitments.Select(c => c.CountryCode));
        Assert.Equal((220, 4, 220, WireTier(200, 389.25m)), (kz.Totals.CommittedVolume, kz.Totals.Countries, kz.Totals.PricedVolume, kz.Totals.Tier));
        Assert.Equal(admin.Totals, kz.Totals);
        Assert.Equal(["KG", "KZ", "TJ", "UZ"], admin.Commitments.Select(c => c.CountryCode));
    }

    [Fact]
    public async Task An_officer_sees_only_their_own_allocation_of_a_settled_pool_and_no_volumes_that_would_give_away_the_one_other_kept_country()
    {
        var settled = await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "every member has committed"), Callers.Admin, None);

        var kz = ProcurementMapping.ToContract(PoolView.Of(settled.Value, PoolViewer.Of(Officer("KZ")), _harness.Now), settled.Version);

        Assert.Equal(["KZ"], kz.Commitments.Select(c => c.CountryCode));
        Assert.Equal([new Contract.Allocation { CountryCode = "KZ", Committed = 120, Allocated = 120 }], kz.Outcome.Allocations);
        Assert.Empty(kz.Outcome.Dropped);
        // Kept: KZ 120 and TJ 20. The kept volume less KZ's own would be TJ's exact quantity (issue 15, failure 4).
        Assert.Equal((0, 0, 0, WireTier(50, 447.50m)), (kz.Outcome.CommittedVolume, kz.Outcome.KeptVolume, kz.Outcome.DeliveredVolume, kz.Outcome.Tier));
        Assert.Equal((220, 4), (kz.Totals.CommittedVolume, kz.Totals.Countries));
    }

    [Fact]
    public async Task An_officer_whose_country_dropped_out_sees_its_own_drop_out_and_no_allocation()
    {
        var settled = await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "every member has committed"), Callers.Admin, None);

        var uz = ProcurementMapping.ToContract(PoolView.Of(settled.Value, PoolViewer.Of(Officer("UZ")), _harness.Now), settled.Version);

        Assert.Empty(uz.Outcome.Allocations);
        var dropped = Assert.Single(uz.Outcome.Dropped);
        Assert.Equal(new Contract.DroppedCommitment
        {
            CountryCode = "UZ",
            Quantity = 50,
            MaxUnitPrice = WireUsd(440m),
            PriceThen = WireUsd(447.50m),
            Round = 2,
            Reason = "max 440.00 USD below the price 447.50 USD of round 2",
        }, dropped);
        Assert.Equal(["UZ"], uz.Commitments.Select(c => c.CountryCode));
    }

    [Fact]
    public async Task An_admin_sees_every_commitment_allocation_and_drop_out()
    {
        var settled = await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "every member has committed"), Callers.Admin, None);

        var admin = ProcurementMapping.ToContract(PoolView.Of(settled.Value, PoolViewer.Of(Callers.Admin), _harness.Now), settled.Version);

        Assert.Same(PoolViewer.Everything, PoolViewer.Of(Callers.Admin));
        Assert.Equal(["KG", "KZ", "TJ", "UZ"], admin.Commitments.Select(c => c.CountryCode));
        Assert.Equal([("KZ", 120), ("TJ", 20)], admin.Outcome.Allocations.Select(a => (a.CountryCode, a.Allocated)));
        Assert.Equal([("KG", 1), ("UZ", 2)], admin.Outcome.Dropped.Select(d => (d.CountryCode, d.Round)));
    }

    [Fact]
    public async Task An_officer_sees_only_their_own_countrys_savings_but_the_pools_sums()
    {
        var settled = await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "every member has committed"), Callers.Admin, None);
        var report = settled.Value.Savings();

        var tj = ProcurementMapping.ToContract(_pool.Id, report.SeenBy(PoolViewer.Of(Officer("TJ"))));
        var uz = ProcurementMapping.ToContract(_pool.Id, report.SeenBy(PoolViewer.Of(Officer("UZ"))));
        var admin = ProcurementMapping.ToContract(_pool.Id, report.SeenBy(PoolViewer.Everything));

        Assert.Equal(new Contract.CountrySavings
        {
            CountryCode = "TJ",
            Units = 20,
            AloneUnitPrice = WireUsd(520m),
            Figures = new Contract.SavingsFigures { Paid = WireUsd(8_950m), Alone = WireUsd(10_400m), Saving = WireUsd(1_450m) },
        }, Assert.Single(tj.Countries));
        Assert.Equal(new Contract.SavingsFigures { Paid = WireUsd(62_650m), Alone = WireUsd(64_100m), Saving = WireUsd(1_450m) }, tj.Pool);
        Assert.Equal((Contract.SavingsBasis.Final, WireUsd(447.50m)), (tj.Basis, tj.UnitPrice));
        Assert.Empty(uz.Countries);
        Assert.Equal(tj.Pool, uz.Pool);
        Assert.Equal(["KZ", "TJ"], admin.Countries.Select(c => c.CountryCode));
    }

    [Fact]
    public async Task A_caller_whose_token_names_no_country_sees_no_country_at_all()
    {
        var settled = await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "every member has committed"), Callers.Admin, None);
        var stateless = Callers.Of(Roles.ProcurementOfficer, null, "consortium-secretariat");

        var pool = ProcurementMapping.ToContract(PoolView.Of(settled.Value, PoolViewer.Of(stateless), _harness.Now), settled.Version);
        var savings = ProcurementMapping.ToContract(_pool.Id, settled.Value.Savings().SeenBy(PoolViewer.Of(stateless)));

        Assert.Empty(pool.Commitments);
        Assert.Empty(pool.Outcome.Allocations);
        Assert.Empty(pool.Outcome.Dropped);
        Assert.Empty(savings.Countries);
        Assert.Equal(220, pool.Totals.CommittedVolume);
    }
}
