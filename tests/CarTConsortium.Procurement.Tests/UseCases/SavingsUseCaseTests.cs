using CarTConsortium.Procurement.Api;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;
using Contract = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// What each country pays, would pay alone and saves (Pool.Savings), worked out by hand for
/// tiers 1:520.00, 50:447.50, 200:389.25 USD and KZ 120 / UZ 80 / KG 30 vials: 230 vials at
/// 389.25. Final once settled, projected while open, none when the pool fails or would fail.
/// </summary>
public sealed class SavingsUseCaseTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    // KZ: 120 x 389.25 = 46,710.00 paid; alone 120 reach the 50 tier, 120 x 447.50 = 53,700.00.
    // UZ: 80 x 389.25 = 31,140.00; alone 80 x 447.50 = 35,800.00.
    // KG: 30 x 389.25 = 11,677.50; alone 30 stay in the first tier, 30 x 520.00 = 15,600.00.
    private static readonly CountryOutcome[] ByHand =
    [
        new("KG", 30, 30, Usd(520m), new Savings(Usd(11_677.50m), Usd(15_600m), Usd(3_922.50m))),
        new("KZ", 120, 120, Usd(447.50m), new Savings(Usd(46_710m), Usd(53_700m), Usd(6_990m))),
        new("UZ", 80, 80, Usd(447.50m), new Savings(Usd(31_140m), Usd(35_800m), Usd(4_660m))),
    ];

    private static readonly Savings PoolByHand = new(Usd(89_527.50m), Usd(105_100m), Usd(15_572.50m));

    private readonly ProcurementHarness _harness = new();
    private SeenPool _pool = null!;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KG", "KZ", "UZ");
        _pool = await _harness.OpenSamplePoolAsync();
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_settled_pool_reports_final_savings_per_country_and_for_the_pool()
    {
        await CommitThreeAsync();

        await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "every member has committed"), Callers.Admin, None);

        var savings = (await _harness.GetAsync(_pool.Id)).Value.Savings();
        Assert.Equal((SavingsBasis.Final, Currency, Usd(389.25m), PoolByHand, ""), (savings.Basis, savings.Currency, savings.UnitPrice, savings.Pool, savings.Note));
        Assert.Equal(ByHand, savings.Countries);
        var kz = ProcurementMapping.ToContract(_pool.Id, savings.SeenBy(PoolViewer.Everything)).Countries.Single(c => c.CountryCode == "KZ");
        Assert.Equal(new Contract.CountrySavings
        {
            CountryCode = "KZ",
            Units = 120,
            AloneUnitPrice = WireUsd(447.50m),
            Figures = new Contract.SavingsFigures { Paid = WireUsd(46_710m), Alone = WireUsd(53_700m), Saving = WireUsd(6_990m) },
        }, kz);
    }

    [Fact]
    public async Task An_open_pool_projects_the_savings_it_would_have_if_it_closed_now()
    {
        await CommitThreeAsync();

        var savings = (await _harness.GetAsync(_pool.Id)).Value.Savings();

        Assert.Equal((SavingsBasis.Projected, Usd(389.25m), PoolByHand), (savings.Basis, savings.UnitPrice, savings.Pool));
        Assert.Equal(ByHand, savings.Countries);
        Assert.Equal(Contract.SavingsBasis.Projected, ProcurementMapping.ToContract(_pool.Id, savings.SeenBy(PoolViewer.Everything)).Basis);
    }

    [Fact]
    public async Task A_projection_follows_an_amendment_that_moves_the_pool_to_another_tier()
    {
        var three = await CommitThreeAsync();

        // KG withdraws: 200 vials still reach 389.25. UZ then cuts to 60: 180 vials fall back to 447.50.
        await _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KG", three.Value.CommitmentOf("KG")!.Revision), ProcurementHarness.Officer("KG"), None);
        var stillBest = (await _harness.GetAsync(_pool.Id)).Value.Savings();
        await _harness.CommitAsync(_pool.Id, "UZ", 60, 450m, expectedRevision: three.Value.CommitmentOf("UZ")!.Revision);
        var dearer = (await _harness.GetAsync(_pool.Id)).Value.Savings();

        Assert.Equal((Usd(389.25m), new Savings(Usd(77_850m), Usd(89_500m), Usd(11_650m))), (stillBest.UnitPrice, stillBest.Pool));
        Assert.Equal((Usd(447.50m), new Savings(Usd(80_550m), Usd(80_550m), Usd(0m))), (dearer.UnitPrice, dearer.Pool));
        Assert.Equal(["KZ", "UZ"], dearer.Countries.Select(c => c.CountryCode));
    }

    [Fact]
    public async Task An_open_pool_that_would_fail_now_reports_no_savings_and_why()
    {
        var empty = (await _harness.GetAsync(_pool.Id)).Value.Savings();
        await _harness.CommitAsync(_pool.Id, "KZ", 40, 480m);
        var belowMinimum = (await _harness.GetAsync(_pool.Id)).Value.Savings();

        Assert.Equal((SavingsBasis.None, (Money?)null, (Savings?)null, "If the pool closed now it would fail: 0 units committed, below the minimum of 100."),
            (empty.Basis, empty.UnitPrice, empty.Pool, empty.Note));
        Assert.Equal((SavingsBasis.None, (Money?)null, "If the pool closed now it would fail: 40 units committed, below the minimum of 100."),
            (belowMinimum.Basis, belowMinimum.UnitPrice, belowMinimum.Note));
        Assert.Empty(belowMinimum.Countries);
        var wire = ProcurementMapping.ToContract(_pool.Id, belowMinimum.SeenBy(PoolViewer.Everything));
        Assert.Equal((Contract.SavingsBasis.None, (Google.Type.Money?)null, (Contract.SavingsFigures?)null, 0), (wire.Basis, wire.UnitPrice, wire.Pool, wire.Countries.Count));
    }

    [Fact]
    public async Task A_failed_pool_reports_no_savings_and_why()
    {
        await _harness.CommitAsync(_pool.Id, "KZ", 40, 480m);
        await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "not enough interest"), Callers.Admin, None);

        var savings = (await _harness.GetAsync(_pool.Id)).Value.Savings();

        Assert.Equal((SavingsBasis.None, (Money?)null, (Savings?)null, "The pool failed: 40 units committed, below the minimum of 100."),
            (savings.Basis, savings.UnitPrice, savings.Pool, savings.Note));
        Assert.Empty(savings.Countries);
    }

    /// <summary>KZ 120, UZ 80 and KG 30 committed; the pool as the last commit left it, holding all three.</summary>
    private async Task<SeenPool> CommitThreeAsync()
    {
        await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m);
        await _harness.CommitAsync(_pool.Id, "UZ", 80, 450m);
        return await _harness.CommitAsync(_pool.Id, "KG", 30, 400m);
    }
}
