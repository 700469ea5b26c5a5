using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Pools;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.ProcurementHarness;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;
using Contract = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>A country's officer withdraws its commitment: what is removed and raised, and when it is refused.</summary>
public sealed class WithdrawUseCaseTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();
    private Stored<Pool> _pool = null!;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KZ", "UZ");
        _pool = await _harness.OpenSamplePoolAsync();
        await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m);
        await _harness.CommitAsync(_pool.Id, "UZ", 80, 450m);
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_withdrawal_removes_the_commitment_and_raises_withdrawn_with_no_commitment_and_the_totals_left()
    {
        var withdrawn = await _harness.Desk.WithdrawAsync(Officer("KZ"), _pool.Id, "KZ", 1, None);

        Assert.Equal(4, withdrawn.Version);
        Assert.Equal(["UZ"], (await _harness.GetAsync(_pool.Id)).Value.Commitments.Select(c => c.CountryCode));
        var raised = (await _harness.EventsAsync(Contract.CommitmentChanged.Parser))[^1];
        Assert.Equal(new Contract.CommitmentChanged
        {
            PoolId = _pool.Id,
            CountryCode = "KZ",
            Change = "withdrawn",
            Totals = new Contract.PoolTotals
            {
                CommittedVolume = 80,
                Countries = 1,
                PricedVolume = 80,
                Tier = WireTier(50, 447.50m),
                NextTier = new Contract.NextTier { Tier = WireTier(200, 389.25m), UnitsMore = 120 },
                UnitsToMinimum = 20,
            },
        }, raised);
        Assert.Null(raised.Commitment);
    }

    [Fact]
    public async Task A_country_that_withdrew_commits_again_from_revision_0()
    {
        await _harness.Desk.WithdrawAsync(Officer("KZ"), _pool.Id, "KZ", 1, None);

        var again = await _harness.CommitAsync(_pool.Id, "KZ", 100, 480m);

        Assert.Equal(100, again.Value.CommitmentOf("KZ")!.Quantity);
        Assert.Equal(["committed", "committed", "withdrawn", "committed"],
            (await _harness.EventsAsync(Contract.CommitmentChanged.Parser)).Select(e => e.Change));
    }

    [Fact]
    public async Task A_withdrawal_naming_a_stale_revision_is_aborted_and_keeps_the_commitment()
    {
        await _harness.CommitAsync(_pool.Id, "KZ", 130, 480m, expectedRevision: 1);

        await Assert.ThrowsAsync<CallerRevisionStaleException>(() => _harness.Desk.WithdrawAsync(Officer("KZ"), _pool.Id, "KZ", 1, None));

        Assert.Equal((130, 2L), Quantity(await _harness.GetAsync(_pool.Id), "KZ"));
    }

    [Fact]
    public async Task Withdrawing_a_commitment_that_does_not_exist_is_not_found()
    {
        await _harness.InstitutionsOfAsync("KG");

        await Assert.ThrowsAsync<NotFoundException>(() => _harness.Desk.WithdrawAsync(Officer("KG"), _pool.Id, "KG", 1, None));
        await Assert.ThrowsAsync<NotFoundException>(() => _harness.Desk.WithdrawAsync(Officer("KG"), Guid.CreateVersion7().ToString(), "KG", 1, None));
    }

    [Fact]
    public async Task A_withdrawal_without_a_revision_is_invalid_argument_and_for_another_country_permission_denied()
    {
        var noRevision = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.Desk.WithdrawAsync(Officer("KZ"), _pool.Id, "KZ", 0, None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _harness.Desk.WithdrawAsync(Officer("KZ"), _pool.Id, "UZ", 1, None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _harness.Desk.WithdrawAsync(Callers.Admin, _pool.Id, "UZ", 1, None));

        Assert.Equal(["expected_revision"], noRevision.Violations.Select(v => v.Field));
        Assert.Equal(["KZ", "UZ"], (await _harness.GetAsync(_pool.Id)).Value.Commitments.Select(c => c.CountryCode));
    }

    [Fact]
    public async Task A_withdrawal_at_the_closing_time_or_after_closing_is_failed_precondition()
    {
        _harness.Clock.SetUtcNow(ClosesAt);
        await Assert.ThrowsAsync<RuleViolationException>(() => _harness.Desk.WithdrawAsync(Officer("KZ"), _pool.Id, "KZ", 1, None));
        await _harness.Desk.CloseDueAsync(None);

        await Assert.ThrowsAsync<RuleViolationException>(() => _harness.Desk.WithdrawAsync(Officer("UZ"), _pool.Id, "UZ", 1, None));

        var closed = await _harness.GetAsync(_pool.Id);
        Assert.Equal(PoolStatus.Settled, closed.Value.Status);
        Assert.Equal(["KZ", "UZ"], closed.Value.Commitments.Select(c => c.CountryCode));
    }

    [Fact]
    public async Task A_stale_revision_from_before_a_withdrawal_cannot_withdraw_the_commitment_made_after_it()
    {
        // Officer A of KZ saw revision 1; officer B withdrew it and committed anew, again at revision 1.
        await _harness.Desk.WithdrawAsync(Officer("KZ"), _pool.Id, "KZ", 1, None);
        var renewed = await _harness.CommitAsync(_pool.Id, "KZ", 60, 400m);

        await Assert.ThrowsAnyAsync<ConcurrencyConflictException>(() => _harness.Desk.WithdrawAsync(Officer("KZ"), _pool.Id, "KZ", 1, None));

        Assert.Equal(renewed.Value.CommitmentOf("KZ"), (await _harness.GetAsync(_pool.Id)).Value.CommitmentOf("KZ"));
    }

    private static (int Quantity, long Revision) Quantity(Stored<Pool> pool, string country) =>
        (pool.Value.CommitmentOf(country)!.Quantity, pool.Value.CommitmentOf(country)!.Revision);
}
