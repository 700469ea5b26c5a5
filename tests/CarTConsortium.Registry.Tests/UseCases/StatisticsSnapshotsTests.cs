using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Registry.UseCases.Statistics;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// The statistics cube shared by a process's requests: read once while nothing changes, read again for the
/// next request after a write of this process, and at most <see cref="StatisticsSnapshots.MaxAge"/> behind the
/// writes of another replica (another process on the same store, with its own snapshots).
/// </summary>
public sealed class StatisticsSnapshotsTests
{
    [Fact]
    public async Task Requests_share_one_read_until_a_write_of_this_process_and_the_next_request_sees_that_write()
    {
        await using var world = await CreateAsync();
        await InfusedAsync(world, count: 6, from: 0);
        var readsBefore = world.StatisticsSnapshots.Reads;

        Assert.Equal(6, (await world.TotalAsync()).Measures!.PatientsInfused);
        Assert.Equal(6, (await world.TotalAsync()).Measures!.PatientsInfused);
        Assert.Equal(readsBefore + 1, world.StatisticsSnapshots.Reads);

        await InfusedAsync(world, count: 1, from: 6);
        Assert.Equal(7, (await world.TotalAsync()).Measures!.PatientsInfused);
        Assert.Equal(readsBefore + 2, world.StatisticsSnapshots.Reads);
    }

    [Fact]
    public async Task Another_replicas_write_shows_in_the_background_after_the_refresh_age_and_at_the_latest_after_the_maximum_age()
    {
        await using var world = await CreateAsync();
        var replica = new RegistryUseCases(world.Store, world.Clock, world.Pseudonymiser);
        await InfusedAsync(world, count: 6, from: 0);
        Assert.Equal(6, (await world.TotalAsync()).Measures!.PatientsInfused);

        await InfusedAsync(replica, count: 1, from: 6);
        // Not seen here yet: nothing this process did changed the tallies, and the snapshot is young.
        world.Clock.Advance(StatisticsSnapshots.RefreshAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(6, (await world.TotalAsync()).Measures!.PatientsInfused);

        // Old enough to refresh: this request is still answered at once from the snapshot, and starts the next read.
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        var reads = world.StatisticsSnapshots.Reads;
        Assert.Equal(6, (await world.TotalAsync()).Measures!.PatientsInfused);
        await WaitForReadAsync(world.StatisticsSnapshots, reads);
        Assert.Equal(7, (await world.TotalAsync()).Measures!.PatientsInfused);

        // Past the maximum age nobody is answered from the snapshot: the request waits for a new read.
        await InfusedAsync(replica, count: 1, from: 7);
        world.Clock.Advance(StatisticsSnapshots.MaxAge);
        Assert.Equal(8, (await world.TotalAsync()).Measures!.PatientsInfused);
    }

    /// <summary><paramref name="count"/> patients of one cell enrolled and infused through <paramref name="by"/>'s use cases.</summary>
    private static async Task InfusedAsync(RegistryUseCases by, int count, int from)
    {
        for (var i = from; i < from + count; i++)
        {
            var enrolled = await by.EnrolPatient.ExecuteAsync(new EnrolPatientCommand($"KZ-81{i:00}-0001", null, Astana, 2016, 5, Sex.Female, DiseaseStatus.Relapsed,
                Cd19Status.Positive, 2, RegistryOnly), AstanaClinician, None);
            await by.RecordInfusion.ExecuteAsync(new RecordInfusionCommand(enrolled.Id, Academic, 1.5, DateParts.Of(new DateOnly(2025, 5, 1)), null), AstanaClinician, None);
        }
    }

    private static async Task WaitForReadAsync(StatisticsSnapshots snapshots, int readsBefore)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (snapshots.Reads == readsBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, "The background read never finished.");
            await Task.Delay(10);
        }
    }
}
