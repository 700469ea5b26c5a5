using CarTConsortium.BuildingBlocks.Security;
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
/// Commitments made at the same moment: every country's lands in the one pool document
/// (ConflictRetry re-runs a lost race), while two writers of one commitment from one revision
/// leave exactly one winner and the others ABORTED.
/// </summary>
public sealed class CommitmentRaceTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync(TwentyCountries);
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Twenty_countries_committing_at_once_all_land_once_each_with_exact_totals()
    {
        var pool = await _harness.OpenSamplePoolAsync();
        var quantities = TwentyCountries.Select((country, i) => (Country: country, Quantity: 5 + i)).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var commits = quantities.Select(c => Task.Run(async () =>
        {
            await start.Task;
            return await _harness.CommitAsync(pool.Id, c.Country, c.Quantity, 600m);
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(commits);

        var read = await _harness.GetAsync(pool.Id);
        Assert.Equal(21, read.Version);
        Assert.Equal(TwentyCountries, read.Value.Commitments.Select(c => c.CountryCode));
        Assert.Equal(quantities.Select(c => c.Quantity), read.Value.Commitments.Select(c => c.Quantity));
        // Each commitment took the pool's revision it was written at: 2 to 21, one each, in the order they landed.
        Assert.Equal(Enumerable.Range(2, 20).Select(v => (long)v), read.Value.Commitments.Select(c => c.Revision).Order());
        var totals = read.Value.Totals();
        // 5 + 6 + ... + 24 = 290 units: the 200 tier.
        Assert.Equal((290, 290, (PriceTier?)Tier(200, 389.25m), (NextTier?)null, 0),
            (totals.CommittedVolume, totals.Volume, totals.Tier, totals.Next, totals.UnitsToMinimum));
        // One event per commitment, each carrying the totals as that commit left them.
        var events = await _harness.EventsAsync(Contract.CommitmentChanged.Parser);
        Assert.Equal(20, events.Count);
        Assert.Equal(TwentyCountries, events.Select(e => e.CountryCode).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(1, 20), events.Select(e => e.Totals.Countries));
        Assert.Equal(Enumerable.Range(2, 20).Select(v => (long)v), events.Select(e => e.Commitment.Revision.Version));
        Assert.Equal(read.Value.Commitments.ToDictionary(c => c.CountryCode, c => c.Revision),
            events.ToDictionary(e => e.CountryCode, e => e.Commitment.Revision.Version));
        Assert.Equal(290, events[^1].Totals.CommittedVolume);
        var running = 0;
        Assert.All(events, e => Assert.Equal(running += e.Commitment.Quantity, e.Totals.CommittedVolume));
    }

    [Fact]
    public async Task Of_two_officers_of_one_country_making_its_first_commitment_at_once_exactly_one_wins_and_the_other_is_aborted()
    {
        var first = Callers.Of(Roles.ProcurementOfficer, "KZ", "kz-ministry-of-health");
        var second = Callers.Of(Roles.ProcurementOfficer, "KZ", "kz-procurement-agency");
        for (var round = 0; round < 10; round++)
        {
            var pool = await _harness.OpenSamplePoolAsync();

            var outcomes = await Race(
                () => _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(pool.Id, "KZ", 120, Usd(480m), DeliveryOf("KZ"), BudgetOf("KZ"), 0), first, None),
                () => _harness.CommitToPool.ExecuteAsync(new CommitToPoolCommand(pool.Id, "KZ", 90, Usd(500m), DeliveryOf("KZ"), "KZ-AGENCY-2027", 0), second, None));

            Assert.Equal(1, outcomes.Count(o => o is null));
            Assert.IsType<CallerRevisionStaleException>(Assert.Single(outcomes, o => o is not null));
            var read = await _harness.GetAsync(pool.Id);
            var kz = Assert.Single(read.Value.Commitments);
            var winner = outcomes[0] is null ? first : second;
            // The winner wrote the pool's revision 2 (it was opened at 1), and its commitment took it.
            Assert.Equal((winner.Subject, winner == first ? 120 : 90, 2L, 2L), (kz.CommittedBy, kz.Quantity, kz.Revision, read.Version));
            Assert.Single(await CommitmentEventsOf(pool.Id));
        }
    }

    [Fact]
    public async Task Of_concurrent_amendments_from_one_revision_exactly_one_lands_and_the_others_are_aborted()
    {
        for (var round = 0; round < 5; round++)
        {
            var pool = await _harness.OpenSamplePoolAsync();
            var seen = (await _harness.CommitAsync(pool.Id, "KZ", 100, 480m)).Value.CommitmentOf("KZ")!.Revision;

            var outcomes = await Race([.. Enumerable.Range(1, 6).Select(i => (Func<Task>)(() => _harness.CommitAsync(pool.Id, "KZ", 100 + i, 480m, expectedRevision: seen)))]);

            Assert.Equal(1, outcomes.Count(o => o is null));
            Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<CallerRevisionStaleException>(o));
            var read = await _harness.GetAsync(pool.Id);
            var kz = read.Value.CommitmentOf("KZ")!;
            // Committed at the pool's revision 2; the one amendment that landed wrote revision 3.
            Assert.Equal((2L, 3L, 3L, 101 + outcomes.ToList().FindIndex(o => o is null)), (seen, read.Version, kz.Revision, kz.Quantity));
            Assert.Equal(["committed", "amended"], (await CommitmentEventsOf(pool.Id)).Select(e => e.Change));
        }
    }

    [Fact]
    public async Task Of_an_amendment_and_a_withdrawal_from_one_revision_exactly_one_lands()
    {
        for (var round = 0; round < 10; round++)
        {
            var pool = await _harness.OpenSamplePoolAsync();
            var seen = (await _harness.CommitAsync(pool.Id, "KZ", 100, 480m)).Value.CommitmentOf("KZ")!.Revision;
            Assert.Equal(2, seen);

            var outcomes = await Race(
                () => _harness.CommitAsync(pool.Id, "KZ", 150, 480m, expectedRevision: seen),
                () => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(pool.Id, "KZ", seen), Officer("KZ"), None));

            var loser = Assert.Single(outcomes, o => o is not null);
            var read = await _harness.GetAsync(pool.Id);
            var kz = read.Value.CommitmentOf("KZ");
            var changes = (await CommitmentEventsOf(pool.Id)).Select(e => e.Change).ToArray();
            // Either way exactly one change landed, writing the pool's revision 3.
            Assert.Equal(3, read.Version);
            if (outcomes[0] is null)
            {
                // The amendment won, written at revision 3; the withdrawal found revision 3, not 2.
                Assert.IsType<CallerRevisionStaleException>(loser);
                Assert.Equal((150, 3L), (kz!.Quantity, kz.Revision));
                Assert.Equal(["committed", "amended"], changes);
            }
            else
            {
                // The withdrawal won; the amendment found no commitment, so revision 2 is stale.
                Assert.IsType<CallerRevisionStaleException>(loser);
                Assert.Null(kz);
                Assert.Equal(["committed", "withdrawn"], changes);
            }
        }
    }

    /// <summary>Starts every call at once; what each threw, null where it succeeded, in the order given.</summary>
    private static async Task<Exception?[]> Race(params Func<Task>[] calls)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = calls.Select(call => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await call();
                return (Exception?)null;
            }
            catch (Exception e)
            {
                return e;
            }
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(running);
    }

    private async Task<List<Contract.CommitmentChanged>> CommitmentEventsOf(string poolId) =>
        [.. (await _harness.EventsAsync(Contract.CommitmentChanged.Parser)).Where(e => e.PoolId == poolId)];
}
