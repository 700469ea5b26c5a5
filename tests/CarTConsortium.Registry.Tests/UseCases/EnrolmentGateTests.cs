using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// Issue 17: the booking benchmark enrols one institution's patients 16 at a time, and an enrolment
/// lost the race for the institution's enrolment window 200 times in a row (ABORTED). One process's
/// enrolments of one institution now queue at its <see cref="EnrolmentGates"/>, so none retries.
/// </summary>
public sealed class EnrolmentGateTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadlocked = TimeSpan.FromSeconds(60);

    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public async ValueTask DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Sixty_four_concurrent_enrolments_at_one_institution_all_succeed_without_a_single_conflict_retry()
    {
        using var retries = new EnrolPatientRetries();

        var enrolled = await Task.WhenAll(Enumerable.Range(1, 64).Select(i => Task.Run(() => _world.EnrolAsync(AstanaCoordinator, $"GATE{i:D4}"))))
            .WaitAsync(Deadlocked);

        Assert.Equal(64, enrolled.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, retries.Count);
        Assert.Equal(64, (await _world.AllPatientsAsync()).Count(p => p.Value.TreatingInstitutionId == Astana));
        Assert.Equal(64, Assert.Single(await _world.Store.QueryAllAsync(RegistryCollections.EnrolmentWindows, DocumentQuery.All, None)).Value.Count);
        Assert.Equal(0, _world.EnrolmentGates.Open);
    }

    [Fact]
    public async Task Under_concurrency_the_limit_still_refuses_exactly_the_enrolments_over_it()
    {
        await using var limited = await CreateAsync(enrolmentLimit: new EnrolmentLimit(20, TimeSpan.FromHours(1)));
        using var retries = new EnrolPatientRetries();

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 64).Select(i => Task.Run(async () =>
        {
            try
            {
                await limited.EnrolAsync(AstanaCoordinator, $"OVER{i:D4}");
                return true;
            }
            catch (RuleViolationException)
            {
                return false;
            }
        }))).WaitAsync(Deadlocked);

        Assert.Equal((20, 44), (outcomes.Count(o => o), outcomes.Count(o => !o)));
        Assert.Equal(20, (await limited.AllPatientsAsync()).Count);
        Assert.Equal(0, retries.Count);
        Assert.Equal(0, limited.EnrolmentGates.Open);
    }

    /// <summary>
    /// The retries of EnrolPatient made by this test's own calls (<see cref="ConflictRetry.RetriesName"/>): the counter is
    /// process-wide and tests run in parallel, so only measurements in the creating flow and the tasks it starts count.
    /// </summary>
    private sealed class EnrolPatientRetries : IDisposable
    {
        private readonly AsyncLocal<bool> _mine = new();
        private readonly MeterListener _listener = new();
        private long _count;

        public EnrolPatientRetries()
        {
            _mine.Value = true;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument is { Name: ConflictRetry.RetriesName, Meter.Name: ConflictRetry.MeterName })
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (_mine.Value && tag is { Key: "use_case", Value: nameof(EnrolPatient) })
                    {
                        Interlocked.Add(ref _count, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
