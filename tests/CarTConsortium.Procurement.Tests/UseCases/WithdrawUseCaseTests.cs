using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.UseCases.Pools;
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
    private SeenPool _pool = null!;

    /// <summary>The revisions KZ's and UZ's commitments got: the pool's revisions 2 and 3, at which they were written.</summary>
    private long _kz;
    private long _uz;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KZ", "UZ");
        _pool = await _harness.OpenSamplePoolAsync();
        _kz = (await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m)).Value.CommitmentOf("KZ")!.Revision;
        _uz = (await _harness.CommitAsync(_pool.Id, "UZ", 80, 450m)).Value.CommitmentOf("UZ")!.Revision;
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
        var withdrawn = await _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", _kz), Officer("KZ"), None);

        Assert.Equal((2L, 3L, 4L), (_kz, _uz, withdrawn.Version));
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
        await _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", _kz), Officer("KZ"), None);

        var again = await _harness.CommitAsync(_pool.Id, "KZ", 100, 480m);

        Assert.Equal((100, 5L, 5L), (again.Value.CommitmentOf("KZ")!.Quantity, again.Value.CommitmentOf("KZ")!.Revision, again.Version));
        Assert.Equal(["committed", "committed", "withdrawn", "committed"],
            (await _harness.EventsAsync(Contract.CommitmentChanged.Parser)).Select(e => e.Change));
    }

    [Fact]
    public async Task A_withdrawal_naming_a_stale_revision_is_aborted_and_keeps_the_commitment()
    {
        var amended = await _harness.CommitAsync(_pool.Id, "KZ", 130, 480m, expectedRevision: _kz);

        await Assert.ThrowsAsync<CallerRevisionStaleException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", _kz), Officer("KZ"), None));

        Assert.Equal((4L, 4L), (amended.Version, amended.Value.CommitmentOf("KZ")!.Revision));
        Assert.Equal((130, 4L), Quantity(await _harness.GetAsync(_pool.Id), "KZ"));
    }

    [Fact]
    public async Task Withdrawing_a_commitment_that_does_not_exist_is_not_found()
    {
        await _harness.InstitutionsOfAsync("KG");

        await Assert.ThrowsAsync<NotFoundException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KG", 1), Officer("KG"), None));
        await Assert.ThrowsAsync<NotFoundException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(Guid.CreateVersion7().ToString(), "KG", 1), Officer("KG"), None));
    }

    [Fact]
    public async Task A_withdrawal_without_a_revision_is_invalid_argument_and_for_another_country_permission_denied()
    {
        var noRevision = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", 0), Officer("KZ"), None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "UZ", _uz), Officer("KZ"), None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "UZ", _uz), Callers.Admin, None));

        Assert.Equal(["expected_revision"], noRevision.Violations.Select(v => v.Field));
        Assert.Equal(["KZ", "UZ"], (await _harness.GetAsync(_pool.Id)).Value.Commitments.Select(c => c.CountryCode));
    }

    [Fact]
    public async Task A_withdrawal_at_the_closing_time_or_after_closing_is_failed_precondition()
    {
        _harness.Clock.SetUtcNow(ClosesAt);
        await Assert.ThrowsAsync<RuleViolationException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", _kz), Officer("KZ"), None));
        await _harness.CloseDuePools.ExecuteAsync(None);

        await Assert.ThrowsAsync<RuleViolationException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "UZ", _uz), Officer("UZ"), None));

        var closed = await _harness.GetAsync(_pool.Id);
        Assert.Equal(PoolStatus.Settled, closed.Value.Status);
        Assert.Equal(["KZ", "UZ"], closed.Value.Commitments.Select(c => c.CountryCode));
    }

    [Fact]
    public async Task A_stale_revision_from_before_a_withdrawal_cannot_withdraw_the_commitment_made_after_it()
    {
        // Officer A of KZ saw the commitment's revision; officer B withdrew that commitment and committed anew.
        await _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", _kz), Officer("KZ"), None);
        var renewed = await _harness.CommitAsync(_pool.Id, "KZ", 60, 400m);

        // A withdraws from what A last saw: B's commitment, which A never read, must stay.
        await Assert.ThrowsAnyAsync<ConcurrencyConflictException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", _kz), Officer("KZ"), None));

        Assert.Equal(renewed.Value.CommitmentOf("KZ"), (await _harness.GetAsync(_pool.Id)).Value.CommitmentOf("KZ"));
    }

    [Fact]
    public async Task A_countrys_revisions_only_rise_across_a_commitment_its_withdrawal_and_a_new_commitment()
    {
        // KZ committed at the pool's revision 2 and UZ at 3: KZ amends (4), withdraws (5), UZ amends (6), KZ commits anew (7).
        var amended = await _harness.CommitAsync(_pool.Id, "KZ", 130, 480m, expectedRevision: _kz);
        var amendedRevision = amended.Value.CommitmentOf("KZ")!.Revision;
        var withdrawn = await _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", amendedRevision), Officer("KZ"), None);
        await _harness.CommitAsync(_pool.Id, "UZ", 90, 450m, expectedRevision: _uz);
        var renewed = await _harness.CommitAsync(_pool.Id, "KZ", 60, 400m);
        var renewedRevision = renewed.Value.CommitmentOf("KZ")!.Revision;

        Assert.Equal([2L, 4L, 7L], new[] { _kz, amendedRevision, renewedRevision });
        Assert.Equal((4L, 5L, 7L), (amended.Version, withdrawn.Version, renewed.Version));
        Assert.Null(withdrawn.Value.CommitmentOf("KZ"));
        // Neither revision KZ's earlier commitments had names the new one: to an officer still holding one, it is stale.
        foreach (var earlier in new[] { _kz, amendedRevision })
        {
            await Assert.ThrowsAsync<CallerRevisionStaleException>(() => _harness.CommitAsync(_pool.Id, "KZ", 150, 480m, expectedRevision: earlier));
            await Assert.ThrowsAsync<CallerRevisionStaleException>(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", earlier), Officer("KZ"), None));
        }
        var read = await _harness.GetAsync(_pool.Id);
        Assert.Equal((7L, renewed.Value.CommitmentOf("KZ")), (read.Version, read.Value.CommitmentOf("KZ")));
    }

    private static (int Quantity, long Revision) Quantity(SeenPool pool, string country) =>
        (pool.Value.CommitmentOf(country)!.Quantity, pool.Value.CommitmentOf(country)!.Revision);
}
