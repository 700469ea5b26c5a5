using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;
using Messages = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>Concurrent writes to one patient on the real SQLite file: each is saved or refused as ABORTED, none is lost.</summary>
public sealed class ConcurrencyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Writers = 8;
    private static readonly DateOnly Infused = new(2025, 6, 2);

    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task Concurrent_outcomes_on_one_patient_are_each_saved_or_aborted_and_none_is_lost()
    {
        var before = await InfusedPatientAsync();

        var results = await RecordConcurrentlyAsync(_world, before.Id);

        output.WriteLine($"{results.Count(r => r.Saved is not null)} of {Writers} saved, {results.Count(r => r.Error is not null)} aborted");
        await AssertNoneLostAsync(before, results);
    }

    [Fact]
    public async Task Of_concurrent_outcomes_all_read_at_one_revision_exactly_one_is_saved_and_the_others_are_aborted()
    {
        var before = await InfusedPatientAsync();
        var sameRevision = new SameRevisionStore(_world.Store, Writers);
        var patients = new RegistryUseCases(sameRevision, _world.Clock, _world.Pseudonymiser, statisticsSnapshots: _world.StatisticsSnapshots);

        var results = await RecordConcurrentlyAsync(patients, before.Id);

        Assert.Single(results, r => r.Saved is not null);
        Assert.All(results.Where(r => r.Saved is null), r => Assert.IsType<StaleVersionException>(r.Error));
        await AssertNoneLostAsync(before, results);
    }

    [Fact]
    public async Task Of_concurrent_enrolments_of_one_child_exactly_one_wins()
    {
        using var start = new ManualResetEventSlim();
        var spellings = new[] { "kz 1000-0001", "KZ10000001", "Kz-1000 0001", "KZ 1000 0001" };

        var attempts = spellings.Select((id, i) => Task.Run(async () =>
        {
            start.Wait(TimeSpan.FromSeconds(10));
            try
            {
                return (Enrolled: (Stored<PatientRecord>?)await _world.EnrolAsync(i % 2 == 0 ? AstanaClinician : AstanaCoordinator, id), Error: (Exception?)null);
            }
            catch (Exception e)
            {
                return (Enrolled: null, Error: e);
            }
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.Enrolled is not null).Enrolled!;
        Assert.All(results.Where(r => r.Enrolled is null), r => Assert.IsType<AlreadyExistsException>(r.Error));
        AssertSame(winner, Assert.Single(await _world.AllPatientsAsync()));
        Assert.Equal(winner.Id, Assert.Single(await _world.EventsAsync<Messages.PatientEnrolled>()).Pseudonym);
    }

    private async Task<Stored<PatientRecord>> InfusedPatientAsync()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001");
        return await _world.InfuseAsync(AstanaClinician, enrolled.Id, Infused);
    }

    /// <summary>A follow-up visit per writer, each on its own day, all started at once.</summary>
    private static async Task<(DateOnly Day, Stored<PatientRecord>? Saved, Exception? Error)[]> RecordConcurrentlyAsync(RegistryUseCases patients, string pseudonym)
    {
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(1, Writers).Select(visit => Task.Run(async () =>
        {
            start.Wait(TimeSpan.FromSeconds(10));
            var day = Infused.AddDays(30 * visit);
            try
            {
                var saved = await patients.RecordOutcome.ExecuteAsync(new RecordOutcomeCommand(pseudonym, DateParts.Of(day), new FollowUpReport(DiseaseState.InRemission, BCellAplasia: visit % 2 == 0)), AstanaClinician, None);
                return (Day: day, Saved: (Stored<PatientRecord>?)saved, Error: (Exception?)null);
            }
            catch (Exception e)
            {
                return (Day: day, Saved: null, Error: e);
            }
        })).ToArray();
        start.Set();
        return await Task.WhenAll(attempts);
    }

    /// <summary>Every write was saved or aborted, and the record, its version and the events hold exactly the saved ones.</summary>
    private async Task AssertNoneLostAsync(Stored<PatientRecord> before, (DateOnly Day, Stored<PatientRecord>? Saved, Exception? Error)[] results)
    {
        Assert.All(results, r => Assert.True(r.Saved is not null || r.Error is ConcurrencyConflictException,
            $"a write failed with {r.Error?.GetType().Name}: {r.Error?.Message}"));
        var saved = results.Where(r => r.Saved is not null).OrderBy(r => r.Saved!.Version).ToList();
        Assert.NotEmpty(saved);
        var final = (await _world.StoredAsync(before.Id))!;
        Assert.Equal(before.Version + saved.Count, final.Version);
        AssertSame(saved[^1].Saved, final);
        // Each saved write is one version on from the one before it and adds exactly its own outcome.
        var previous = before;
        foreach (var (day, result, _) in saved)
        {
            Assert.Equal(previous.Version + 1, result!.Version);
            var added = Assert.Single(result.Value.Outcomes, o => !previous.Value.Outcomes.Contains(o));
            Assert.Equal(day, added.OccurredOn);
            Assert.Equal(previous.Value.Outcomes.Count + 1, result.Value.Outcomes.Count);
            previous = result;
        }
        Assert.Equal(saved.Select(r => r.Day).Order(), final.Value.Outcomes.Select(o => o.OccurredOn));
        var raised = await _world.EventsAsync<Messages.OutcomeRecorded>();
        Assert.Equal(saved.Count, raised.Count);
        Assert.Equal(final.Value.Outcomes.Select(o => o.OutcomeId).Order(StringComparer.Ordinal), raised.Select(e => e.OutcomeId).Order(StringComparer.Ordinal));
    }
}
