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
/// Issue 15, failure 4 (commercial inference), as the attacks were run: with one other country
/// in a pool, KZ's officer tried to read UZ's exact quantity from the totals, and by committing
/// and withdrawing bracketed UZ's confidential maximum price from the savings projection's
/// wording. Tiers: 1 at 520.00, 50 at 447.50, 200 at 389.25 USD; disclosure from 3 countries.
/// </summary>
public sealed class PoolDisclosureAbuseTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();
    private SeenPool _pool = null!;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync("KG", "KZ", "TJ", "UZ");
        _pool = await _harness.OpenSamplePoolAsync(minimumVolume: 100);
    }

    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task In_a_two_country_pool_an_officer_cannot_read_the_other_countrys_quantity_from_the_totals()
    {
        await _harness.CommitAsync(_pool.Id, "UZ", 73, 500m);
        var committed = ProcurementMapping.ToContract(await _harness.CommitAsync(_pool.Id, "KZ", 30, 480m));
        var read = ProcurementMapping.ToContract(await _harness.GetPool.ExecuteAsync(new GetPoolCommand(_pool.Id), Officer("KZ"), None));
        var listed = ProcurementMapping.ToContract(Assert.Single((await _harness.ListPools.ExecuteAsync(
            new ListPoolsCommand(10, null, null, null), Officer("KZ"), None)).Pools));

        // UZ's 73 reaches the tier from 50 (up to 199): KZ sees 30 + 50 .. 30 + 199, never 103.
        var expected = new Contract.PoolTotals
        {
            Countries = 2,
            CommittedRange = new Contract.VolumeRange { AtLeast = 80, AtMost = 229 },
            DisclosureCountries = 3,
        };
        Assert.Equal([expected, expected, expected], new[] { committed.Totals, read.Totals, listed.Totals });
        Assert.Equal(["KZ"], read.Commitments.Select(c => c.CountryCode));
        var savings = ProcurementMapping.ToContract(await _harness.GetSavings.ExecuteAsync(new GetSavingsCommand(_pool.Id), Officer("KZ"), None));
        Assert.Equal((Contract.SavingsBasis.None, (Google.Type.Money?)null, (Contract.SavingsFigures?)null, 0),
            (savings.Basis, savings.UnitPrice, savings.Pool, savings.Countries.Count));
        Assert.DoesNotContain("73", savings.Note + read.Totals, StringComparison.Ordinal);
        Assert.DoesNotContain("103", savings.Note + read.Totals, StringComparison.Ordinal);
        // The admin still sees everything.
        var admin = ProcurementMapping.ToContract(await _harness.GetAsync(_pool.Id));
        Assert.Equal((103, 2, (Contract.VolumeRange?)null), (admin.Totals.CommittedVolume, admin.Totals.Countries, admin.Totals.CommittedRange));
    }

    [Fact]
    public async Task Amending_ones_own_quantity_unit_by_unit_only_shifts_the_range_and_never_finds_the_others_quantity()
    {
        await _harness.CommitAsync(_pool.Id, "UZ", 73, 500m);
        var seen = new List<(int Own, int AtLeast, int AtMost)>();
        long revision = 0;
        // The probe that worked on the tier: amend one unit at a time across the boundaries at 50 and 200.
        for (var own = 120; own <= 135; own++)
        {
            var pool = await _harness.CommitAsync(_pool.Id, "KZ", own, 480m, revision);
            revision = pool.Value.CommitmentOf("KZ")!.Revision;
            var range = ProcurementMapping.ToContract(pool).Totals.CommittedRange;
            seen.Add((own, range.AtLeast, range.AtMost));
        }

        Assert.All(seen, s => Assert.Equal((50, 199), (s.AtLeast - s.Own, s.AtMost - s.Own)));
    }

    [Fact]
    public async Task A_settled_two_country_pool_shows_an_officer_the_price_but_no_pooled_volume()
    {
        await _harness.CommitAsync(_pool.Id, "UZ", 73, 500m);
        await _harness.CommitAsync(_pool.Id, "KZ", 30, 480m);
        await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "both members have committed"), Callers.Admin, None);

        var kz = ProcurementMapping.ToContract(await _harness.GetPool.ExecuteAsync(new GetPoolCommand(_pool.Id), Officer("KZ"), None));
        var savings = ProcurementMapping.ToContract(await _harness.GetSavings.ExecuteAsync(new GetSavingsCommand(_pool.Id), Officer("KZ"), None));

        Assert.Equal((0, 0, 0, WireTier(50, 447.50m)), (kz.Outcome.CommittedVolume, kz.Outcome.KeptVolume, kz.Outcome.DeliveredVolume, kz.Outcome.Tier));
        Assert.Equal("at 447.50 USD each (the tier from 50); the volumes are shown once more countries take part", kz.Outcome.Description);
        Assert.Equal((80, 229), (kz.Totals.CommittedRange.AtLeast, kz.Totals.CommittedRange.AtMost));
        Assert.Equal(("KZ", 30), (Assert.Single(kz.Outcome.Allocations).CountryCode, kz.Outcome.Allocations[0].Allocated));
        Assert.Null(savings.Pool);
        Assert.Equal(Contract.SavingsBasis.Final, savings.Basis);
        Assert.Equal("KZ", Assert.Single(savings.Countries).CountryCode);
        var admin = ProcurementMapping.ToContract(await _harness.GetAsync(_pool.Id));
        Assert.Equal((103, 103), (admin.Outcome.CommittedVolume, admin.Outcome.DeliveredVolume));
    }

    [Fact]
    public async Task Three_countries_with_one_dropping_out_show_an_officer_no_volumes_to_subtract()
    {
        // Three committed (totals disclosed while open), but UZ's maximum is below the price: two are kept.
        // Committed less kept would be UZ's quantity, kept less KZ's own TJ's.
        await _harness.CommitAsync(_pool.Id, "UZ", 60, 440m);
        await _harness.CommitAsync(_pool.Id, "TJ", 10, 600m);
        await _harness.CommitAsync(_pool.Id, "KZ", 45, 600m);
        await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(_pool.Id, "three members have committed"), Callers.Admin, None);

        var kz = ProcurementMapping.ToContract(await _harness.GetPool.ExecuteAsync(new GetPoolCommand(_pool.Id), Officer("KZ"), None));
        var savings = ProcurementMapping.ToContract(await _harness.GetSavings.ExecuteAsync(new GetSavingsCommand(_pool.Id), Officer("KZ"), None));
        var admin = ProcurementMapping.ToContract(await _harness.GetAsync(_pool.Id));

        Assert.Equal("UZ", Assert.Single(admin.Outcome.Dropped).CountryCode);
        Assert.Equal((115, 55), (admin.Outcome.CommittedVolume, admin.Outcome.KeptVolume));
        Assert.Equal((0, 0, 0), (kz.Outcome.CommittedVolume, kz.Outcome.KeptVolume, kz.Outcome.DeliveredVolume));
        Assert.Empty(kz.Outcome.Dropped);
        Assert.Null(savings.Pool);
    }

    [Fact]
    public async Task Committing_and_withdrawing_does_not_bracket_another_countrys_maximum_price_through_the_projection()
    {
        // Three countries, so the totals are disclosed. UZ's confidential maximum is 440.00: any price above drops it.
        await _harness.CommitAsync(_pool.Id, "UZ", 60, 440m);
        await _harness.CommitAsync(_pool.Id, "TJ", 10, 600m);
        // The attack: KZ commits so that the pool sits just above 50 units at 447.50 (UZ would drop out), withdraws,
        // commits again at other quantities, and reads each time whether "it would fail after drop-outs".
        var officerNotes = new List<string>();
        var adminNotes = new List<string>();
        long revision = 0;
        foreach (var quantity in new[] { 1, 40, 130, 131 })
        {
            var committed = await _harness.CommitAsync(_pool.Id, "KZ", quantity, 600m, revision);
            revision = committed.Value.CommitmentOf("KZ")!.Revision;
            officerNotes.Add(Describe(await _harness.GetSavings.ExecuteAsync(new GetSavingsCommand(_pool.Id), Officer("KZ"), None)));
            adminNotes.Add(Describe(await _harness.GetSavings.ExecuteAsync(new GetSavingsCommand(_pool.Id), Callers.Admin, None)));
        }
        var withdrawn = await _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(_pool.Id, "KZ", revision), Officer("KZ"), None);
        Assert.Equal(2, withdrawn.Value.Commitments.Count);

        // The admin's projection uses UZ's real maximum: at 110 units (447.50) UZ would drop out, and the pool fail.
        Assert.Contains(adminNotes, n => n.Contains("after drop-outs", StringComparison.Ordinal));
        // The officer's is computed as if UZ stays in at any price: it never mentions a drop-out, and reads the same
        // as for a UZ that would never drop out.
        Assert.DoesNotContain(officerNotes, n => n.Contains("drop", StringComparison.Ordinal));
        Assert.Equal(
        [
            "none: If the pool closed now it would fail: 71 units committed, below the minimum of 100.",
            "projected 447.50 USD, KZ 40 units",
            "projected 389.25 USD, KZ 130 units",
            "projected 389.25 USD, KZ 131 units",
        ], officerNotes);
        Assert.Equal(officerNotes, await OfficerNotesWithUzMaximumAsync(600m));
    }

    [Fact]
    public async Task An_officer_whose_own_maximum_is_below_the_price_reads_only_their_own_drop_out()
    {
        await _harness.CommitAsync(_pool.Id, "UZ", 60, 600m);
        await _harness.CommitAsync(_pool.Id, "TJ", 50, 600m);
        await _harness.CommitAsync(_pool.Id, "KZ", 10, 400m);

        var savings = await _harness.GetSavings.ExecuteAsync(new GetSavingsCommand(_pool.Id), Officer("KZ"), None);

        // 120 units at 447.50: KZ's 400.00 drops out, 110 are left, still above the minimum: KZ gets no units.
        Assert.Equal("projected 447.50 USD", Describe(savings));
    }

    // A second pool, the same but for UZ's maximum: the officer's projections must not tell the two apart.
    private async Task<List<string>> OfficerNotesWithUzMaximumAsync(decimal uzMaximum)
    {
        var other = await _harness.OpenSamplePoolAsync(minimumVolume: 100);
        await _harness.CommitAsync(other.Id, "UZ", 60, uzMaximum);
        await _harness.CommitAsync(other.Id, "TJ", 10, 600m);
        var notes = new List<string>();
        long revision = 0;
        foreach (var quantity in new[] { 1, 40, 130, 131 })
        {
            revision = (await _harness.CommitAsync(other.Id, "KZ", quantity, 600m, revision)).Value.CommitmentOf("KZ")!.Revision;
            notes.Add(Describe(await _harness.GetSavings.ExecuteAsync(new GetSavingsCommand(other.Id), Officer("KZ"), None)));
        }
        return notes;
    }

    private static string Describe(SeenSavings seen) => seen.Report.Basis == SavingsBasis.None
        ? $"none: {seen.Report.Note}"
        : $"{seen.Report.Basis.ToString().ToLowerInvariant()} {seen.Report.UnitPrice}"
          + string.Concat(seen.Report.Countries.Select(c => $", {c.CountryCode} {c.Allocated} units"));
}
