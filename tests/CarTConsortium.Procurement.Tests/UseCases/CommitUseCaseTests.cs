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

/// <summary>
/// A country's officer commits to a pool and amends the commitment: revisions, CommitmentChanged
/// with the totals, who may commit, what is checked, and when a pool takes commitments.
/// </summary>
public sealed class CommitUseCaseTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();
    private SeenPool _pool = null!;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KZ", "UZ", "KG");
        await _harness.InstitutionAsync("kz-almaty-oncology", "KZ");
        _pool = await _harness.OpenSamplePoolAsync();
        _harness.Clock.Advance(TimeSpan.FromHours(1));
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_first_commitment_takes_the_pools_revision_it_is_written_at_and_raises_committed_with_the_totals()
    {
        var committed = await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m);

        // The pool was opened at revision 1; the commitment is written at its revision 2, and is revision 2.
        var kz = committed.Value.CommitmentOf("KZ")!;
        Assert.Equal(2, committed.Version);
        Assert.Equal(new PoolCommitment("KZ", 120, Usd(480m), DeliveryOf("KZ"), BudgetOf("KZ"), committed.Version, Officer("KZ").Subject, Start.AddHours(1)), kz);
        Assert.Equal(kz, (await _harness.GetAsync(_pool.Id)).Value.CommitmentOf("KZ"));
        var expected = new Contract.CommitmentChanged
        {
            PoolId = _pool.Id,
            CountryCode = "KZ",
            Change = "committed",
            Commitment = new Contract.Commitment
            {
                PoolId = _pool.Id,
                CountryCode = "KZ",
                Quantity = 120,
                MaxUnitPrice = WireUsd(480m),
                DeliveryInstitutionId = "kz-national-centre",
                BudgetReference = "KZ-MOH-2027-CRS",
                CommittedBy = "procurement_officer@kz-ministry-of-health",
                UpdatedAt = WireTime(Start.AddHours(1)),
                Revision = new Contracts.Common.V1.Revision { Version = 2 },
            },
            Totals = new Contract.PoolTotals
            {
                CommittedVolume = 120,
                Countries = 1,
                PricedVolume = 120,
                Tier = WireTier(50, 447.50m),
                NextTier = new Contract.NextTier { Tier = WireTier(200, 389.25m), UnitsMore = 80 },
                UnitsToMinimum = 0,
            },
        };
        Assert.Equal(expected, Assert.Single(await _harness.EventsAsync(Contract.CommitmentChanged.Parser)));
    }

    [Fact]
    public async Task An_amendment_naming_the_commitments_revision_takes_the_pools_new_revision_and_raises_amended_with_the_new_totals()
    {
        var kzRevision = (await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m)).Value.CommitmentOf("KZ")!.Revision;
        await _harness.CommitAsync(_pool.Id, "UZ", 80, 450m);
        _harness.Clock.Advance(TimeSpan.FromMinutes(5));

        var amended = await _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "KZ", 100, Usd(470m), "kz-almaty-oncology", "KZ-MOH-2027-CRS-B", kzRevision), Officer("KZ"), None);

        // KZ's commitment was written at the pool's revision 2, UZ's at 3; the amendment at 4.
        Assert.Equal((2L, 4L), (kzRevision, amended.Version));
        Assert.Equal(new PoolCommitment("KZ", 100, Usd(470m), "kz-almaty-oncology", "KZ-MOH-2027-CRS-B", amended.Version, Officer("KZ").Subject,
            Start.AddHours(1).AddMinutes(5)), amended.Value.CommitmentOf("KZ"));
        Assert.Equal(["KZ", "UZ"], amended.Value.Commitments.Select(c => c.CountryCode));
        var raised = (await _harness.EventsAsync(Contract.CommitmentChanged.Parser))[^1];
        Assert.Equal(("KZ", "amended", 100, 4L, "kz-almaty-oncology"),
            (raised.CountryCode, raised.Change, raised.Commitment.Quantity, raised.Commitment.Revision.Version, raised.Commitment.DeliveryInstitutionId));
        Assert.Equal(new Contract.PoolTotals
        {
            CommittedVolume = 180,
            Countries = 2,
            PricedVolume = 180,
            Tier = WireTier(50, 447.50m),
            NextTier = new Contract.NextTier { Tier = WireTier(200, 389.25m), UnitsMore = 20 },
        }, raised.Totals);
    }

    /// <param name="stale">Against KZ's commitment at revision 2: none (0), the old numbering's first (1), one past it (3), far off (7).</param>
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(3L)]
    [InlineData(7L)]
    public async Task An_amendment_naming_another_revision_than_the_commitments_is_aborted_and_changes_nothing(long stale)
    {
        var committed = await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m);
        Assert.Equal(2, committed.Value.CommitmentOf("KZ")!.Revision);

        await Assert.ThrowsAsync<CallerRevisionStaleException>(() => _harness.CommitAsync(_pool.Id, "KZ", 130, 480m, expectedRevision: stale));

        var read = await _harness.GetAsync(_pool.Id);
        Assert.Equal((committed.Version, 120, 2L), (read.Version, read.Value.CommitmentOf("KZ")!.Quantity, read.Value.CommitmentOf("KZ")!.Revision));
        Assert.Single(await _harness.EventsAsync(Contract.CommitmentChanged.Parser));
    }

    [Fact]
    public async Task An_amendment_naming_the_pools_revision_rather_than_the_commitments_is_aborted()
    {
        var kzRevision = (await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m)).Value.CommitmentOf("KZ")!.Revision;
        var afterUz = await _harness.CommitAsync(_pool.Id, "UZ", 80, 450m);

        // UZ's commitment moved the pool on to revision 3; KZ's commitment is still revision 2.
        Assert.Equal((2L, 3L, 2L), (kzRevision, afterUz.Version, afterUz.Value.CommitmentOf("KZ")!.Revision));
        await Assert.ThrowsAsync<CallerRevisionStaleException>(() => _harness.CommitAsync(_pool.Id, "KZ", 130, 480m, expectedRevision: afterUz.Version));
        var amended = await _harness.CommitAsync(_pool.Id, "KZ", 130, 480m, expectedRevision: kzRevision);

        Assert.Equal((4L, 130, 4L), (amended.Version, amended.Value.CommitmentOf("KZ")!.Quantity, amended.Value.CommitmentOf("KZ")!.Revision));
        Assert.Equal(3, amended.Value.CommitmentOf("UZ")!.Revision);
    }

    [Fact]
    public async Task A_first_commitment_naming_a_revision_is_aborted()
    {
        await Assert.ThrowsAsync<CallerRevisionStaleException>(() => _harness.CommitAsync(_pool.Id, "KZ", 120, 480m, expectedRevision: 1));

        Assert.Empty((await _harness.GetAsync(_pool.Id)).Value.Commitments);
    }

    [Fact]
    public async Task An_amendment_that_changes_nothing_writes_and_raises_nothing()
    {
        var committed = await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m);
        _harness.Clock.Advance(TimeSpan.FromMinutes(1));

        var same = await _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "KZ", 120, Usd(480.00m), DeliveryOf("KZ"), $"  {BudgetOf("KZ")} ", committed.Value.CommitmentOf("KZ")!.Revision), Officer("KZ"), None);

        Assert.Equal(committed.Version, same.Version);
        Assert.Equal(committed.Version, (await _harness.GetAsync(_pool.Id)).Version);
        Assert.Equal((2L, Start.AddHours(1)), (same.Value.CommitmentOf("KZ")!.Revision, same.Value.CommitmentOf("KZ")!.UpdatedAt));
        Assert.Single(await _harness.EventsAsync(Contract.CommitmentChanged.Parser));
    }

    [Fact]
    public async Task An_officer_commits_for_their_own_country_only_and_an_admin_for_none()
    {
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "UZ", 80, Usd(450m), DeliveryOf("UZ"), BudgetOf("UZ"), 0), Officer("KZ"), None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "KZ", 80, Usd(450m), DeliveryOf("KZ"), BudgetOf("KZ"), 0), Callers.Admin, None));

        Assert.Equal(1, (await _harness.GetAsync(_pool.Id)).Version);
        Assert.Empty(await _harness.EventsAsync(Contract.CommitmentChanged.Parser));
    }

    [Fact]
    public async Task An_officer_naming_another_country_is_permission_denied_before_the_pool_is_looked_up_or_the_commitment_checked()
    {
        // No such pool: refused, not NOT_FOUND, so whether a pool exists tells nothing to whoever names the wrong country.
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(Guid.CreateVersion7().ToString(), "UZ", 80, Usd(450m), DeliveryOf("UZ"), BudgetOf("UZ"), 0), Officer("KZ"), None));
        // A commitment that breaks every rule: refused, not INVALID_ARGUMENT.
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "UZ", 0, null, "UZ Centre", " ", 0), Officer("KZ"), None));
        // The same calls for the officer's own country are what they would be without the refusal.
        await Assert.ThrowsAsync<NotFoundException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(Guid.CreateVersion7().ToString(), "UZ", 80, Usd(450m), DeliveryOf("UZ"), BudgetOf("UZ"), 0), Officer("UZ"), None));
        await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "UZ", 0, null, "UZ Centre", " ", 0), Officer("UZ"), None));

        await AssertNothingCommittedAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-120)]
    [InlineData(1_000_001)]
    public async Task A_quantity_out_of_range_is_invalid_argument_on_quantity(int quantity)
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.CommitAsync(_pool.Id, "KZ", quantity, 480m));

        Assert.Equal(["quantity"], error.Violations.Select(v => v.Field));
        await AssertNothingCommittedAsync();
    }

    [Fact]
    public async Task A_maximum_price_in_another_currency_is_invalid_argument_on_its_currency_code()
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "KZ", 120, new Money(480m, "EUR"), DeliveryOf("KZ"), BudgetOf("KZ"), 0), Officer("KZ"), None));

        Assert.Equal([new FieldViolation("max_unit_price.currency_code", "must be USD, the pool's currency")], error.Violations);
        await AssertNothingCommittedAsync();
    }

    [Theory]
    [InlineData("kz-unknown-hospital")]
    [InlineData("uz-national-centre")]
    public async Task A_delivery_institution_unknown_to_the_registry_or_of_another_country_is_invalid_argument(string institution)
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "KZ", 120, Usd(480m), institution, BudgetOf("KZ"), 0), Officer("KZ"), None));

        Assert.Equal(["delivery_institution_id"], error.Violations.Select(v => v.Field));
        await AssertNothingCommittedAsync();
    }

    [Fact]
    public async Task The_delivery_check_follows_the_registrys_newest_word_on_an_institution()
    {
        await _harness.InstitutionAsync("cross-border-centre", "KZ", registryVersion: 1);
        await _harness.InstitutionAsync("cross-border-centre", "UZ", registryVersion: 2);
        // A late redelivery of the older version changes nothing.
        await _harness.InstitutionAsync("cross-border-centre", "KZ", registryVersion: 1);

        var forKz = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "KZ", 120, Usd(480m), "cross-border-centre", BudgetOf("KZ"), 0), Officer("KZ"), None));
        var forUz = await _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "UZ", 80, Usd(450m), "cross-border-centre", BudgetOf("UZ"), 0), Officer("UZ"), None);

        Assert.Equal(["delivery_institution_id"], forKz.Violations.Select(v => v.Field));
        Assert.Equal("cross-border-centre", forUz.Value.CommitmentOf("UZ")!.DeliveryInstitutionId);
    }

    [Fact]
    public async Task Every_malformed_field_of_a_commitment_is_reported_at_once()
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "kz", 0, null, "KZ Centre", " ", 0), Officer("KZ"), None));
        var envelope = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand("not-a-pool", "KZ", 120, Usd(480m), DeliveryOf("KZ"), BudgetOf("KZ"), -1), Officer("KZ"), None));

        Assert.Equal(["country_code", "quantity", "max_unit_price", "delivery_institution_id", "budget_reference"], error.Violations.Select(v => v.Field));
        Assert.Equal(["pool_id", "expected_revision"], envelope.Violations.Select(v => v.Field));
        await Assert.ThrowsAsync<NotFoundException>(() => _harness.CommitAsync(Guid.CreateVersion7().ToString(), "KZ", 120, 480m));
        await AssertNothingCommittedAsync();
    }

    [Fact]
    public async Task A_commitment_before_the_pool_opens_is_failed_precondition()
    {
        var later = await _harness.OpenSamplePoolAsync(opensAt: _harness.Now.AddDays(1));

        var error = await Assert.ThrowsAsync<RuleViolationException>(() => _harness.CommitAsync(later.Id, "KZ", 120, 480m));

        Assert.StartsWith("The pool opens for commitments at", error.Message, StringComparison.Ordinal);
        Assert.Empty((await _harness.GetAsync(later.Id)).Value.Commitments);
    }

    [Fact]
    public async Task A_commitment_at_the_opening_time_is_accepted()
    {
        var later = await _harness.OpenSamplePoolAsync(opensAt: _harness.Now.AddDays(1));
        _harness.Clock.SetUtcNow(later.Value.OpensAt);

        var committed = await _harness.CommitAsync(later.Id, "KZ", 120, 480m);

        Assert.Equal(120, committed.Value.CommitmentOf("KZ")!.Quantity);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(TimeSpan.TicksPerDay)]
    public async Task A_commitment_at_or_after_the_closing_time_is_failed_precondition_even_before_the_pool_is_closed(long ticksAfterClosing)
    {
        _harness.Clock.SetUtcNow(ClosesAt.AddTicks(ticksAfterClosing));

        var error = await Assert.ThrowsAsync<RuleViolationException>(() => _harness.CommitAsync(_pool.Id, "KZ", 120, 480m));

        Assert.StartsWith("The pool closed for commitments at", error.Message, StringComparison.Ordinal);
        Assert.Equal(PoolStatus.Open, (await _harness.GetAsync(_pool.Id)).Value.Status);
        await AssertNothingCommittedAsync();
    }

    [Fact]
    public async Task A_commitment_one_tick_before_the_closing_time_is_accepted()
    {
        _harness.Clock.SetUtcNow(ClosesAt.AddTicks(-1));

        var committed = await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m);

        Assert.Equal((2L, 2L, ClosesAt.AddTicks(-1)),
            (committed.Version, committed.Value.CommitmentOf("KZ")!.Revision, committed.Value.CommitmentOf("KZ")!.UpdatedAt));
    }

    [Fact]
    public async Task A_commitment_to_a_closed_pool_is_failed_precondition()
    {
        var kzRevision = (await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m)).Value.CommitmentOf("KZ")!.Revision;
        await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "enough committed"), Callers.Admin, None);

        var amend = await Assert.ThrowsAsync<RuleViolationException>(() => _harness.CommitAsync(_pool.Id, "KZ", 130, 480m, expectedRevision: kzRevision));
        var first = await Assert.ThrowsAsync<RuleViolationException>(() => _harness.CommitAsync(_pool.Id, "UZ", 80, 450m));

        Assert.StartsWith("The pool closed at", amend.Message, StringComparison.Ordinal);
        Assert.StartsWith("The pool closed at", first.Message, StringComparison.Ordinal);
        Assert.Equal(120, (await _harness.GetAsync(_pool.Id)).Value.CommitmentOf("KZ")!.Quantity);
    }

    [Fact]
    public async Task A_commitment_that_would_take_the_pools_amounts_beyond_what_money_carries_is_invalid_argument_on_quantity()
    {
        var dear = await OpenDearPoolAsync();

        var alone = await Assert.ThrowsAsync<InvalidArgumentException>(() => CommitDear(dear.Id, "KZ", 10_000));
        await CommitDear(dear.Id, "KZ", 9_000);
        var together = await Assert.ThrowsAsync<InvalidArgumentException>(() => CommitDear(dear.Id, "UZ", 224));
        var fits = await CommitDear(dear.Id, "UZ", 223);

        Assert.Equal(["quantity"], alone.Violations.Select(v => v.Field));
        Assert.Equal(["quantity"], together.Violations.Select(v => v.Field));
        Assert.Equal(9_223_000_000_000_000_000m, fits.Value.HighestAmount);
        Assert.Equal(["KZ", "UZ"], fits.Value.Commitments.Select(c => c.CountryCode));
    }

    [Fact]
    public async Task A_pool_at_the_largest_amount_admitted_closes_with_every_amount_carried_exactly()
    {
        var dear = await OpenDearPoolAsync();
        await CommitDear(dear.Id, "KZ", 9_000);
        await CommitDear(dear.Id, "UZ", 223);

        var closed = await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(dear.Id, "every member has committed"), Callers.Admin, None);

        Assert.Equal(PoolStatus.Settled, closed.Value.Status);
        var savings = Assert.Single(await _harness.EventsAsync(Contract.PoolClosed.Parser)).Savings;
        Assert.Equal(9_223_000_000_000_000_000, savings.Pool.Paid.Units);
        Assert.Equal(0, savings.Pool.Saving.Units);
        var orders = Assert.Single(await _harness.EventsAsync(Contract.PurchaseOrdersIssued.Parser)).PurchaseOrders;
        Assert.Equal([9_000_000_000_000_000_000, 223_000_000_000_000_000], orders.Select(o => o.Total.Units));
    }

    [Fact]
    public async Task A_stale_revision_from_before_a_withdrawal_cannot_amend_the_commitment_made_after_it()
    {
        // Officer A of KZ commits and keeps the revision it got; officer B withdraws that commitment and commits anew.
        var seenByA = (await _harness.CommitAsync(_pool.Id, "KZ", 120, 480m)).Value.CommitmentOf("KZ")!.Revision;
        await _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", seenByA), Officer("KZ"), None);
        var renewedByB = await _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(_pool.Id, "KZ", 60, Usd(400m), "kz-almaty-oncology", "KZ-MOH-2027-NEW", 0), Officer("KZ"), None);

        // A amends from what A last saw: B's commitment, which A never read, must not be overwritten.
        await Assert.ThrowsAnyAsync<ConcurrencyConflictException>(() => _harness.CommitAsync(_pool.Id, "KZ", 150, 480m, expectedRevision: seenByA));

        Assert.Equal(renewedByB.Value.CommitmentOf("KZ"), (await _harness.GetAsync(_pool.Id)).Value.CommitmentOf("KZ"));
    }

    /// <summary>A pool whose one tier is the highest unit price admitted, 10^15 USD.</summary>
    private Task<SeenPool> OpenDearPoolAsync() =>
        _harness.OpenPool.ExecuteAsync(new OpenPoolCommand("Dear pool", Item, SupplierId, Currency, [Tier(1, Money.MaxUnitPrice)], null, ClosesAt, 1, null), Callers.Admin, None);

    private Task<SeenPool> CommitDear(string poolId, string country, int quantity) =>
        _harness.CommitAsync(poolId, country, quantity, Money.MaxUnitPrice);

    private async Task AssertNothingCommittedAsync()
    {
        var read = await _harness.GetAsync(_pool.Id);
        Assert.Equal(1, read.Version);
        Assert.Empty(read.Value.Commitments);
        Assert.Empty(await _harness.EventsAsync(Contract.CommitmentChanged.Parser));
    }
}
