using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Registry.UseCases.Statistics;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// Releases cut from the stored registry: the attack through the use cases (a small group enrolled
/// between two cuts changes no published figure), stable ids, the cube read once per process, and no release yet.
/// </summary>
public sealed class StatisticsReleaseTests
{
    [Fact]
    public async Task Without_a_release_the_statistics_say_which_rule_they_wait_for()
    {
        await using var world = await CreateAsync();

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.StatisticsReleaseCubes.GetAsync(world.Store, null, None));
        Assert.Contains("PublishStatisticsRelease", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => world.StatisticsReleaseCubes.GetAsync(world.Store, "2026-01-01T000000Z", None));
    }

    [Fact]
    public async Task Four_patients_enrolled_between_two_cuts_change_no_published_figure_and_the_fifth_admits_them_together()
    {
        await using var world = await CreateAsync();
        await InfusedAsync(world, Academic, count: 7, from: 0);
        await InfusedAsync(world, Kymriah, count: 6, from: 7);
        var first = await world.PublishStatisticsRelease.ExecuteAsync(None);

        world.Clock.Advance(TimeSpan.FromDays(30));
        await InfusedAsync(world, Academic, count: 4, from: 20, year: 2024);
        var second = await world.PublishStatisticsRelease.ExecuteAsync(None);

        Assert.Equal((StatisticsRelease.IdOf(Start), StatisticsRelease.IdOf(Start.AddDays(30))), (first.ReleaseId, second.ReleaseId));
        var before = (await world.StatisticsReleaseCubes.GetAsync(world.Store, first.ReleaseId, None)).Cube;
        var latest = await world.StatisticsReleaseCubes.GetAsync(world.Store, null, None);
        Assert.Equal((second.ReleaseId, second.CutAt), (latest.ReleaseId, latest.CutAt));
        Assert.All(before.Cells, cell => Assert.Equal(cell, latest.Cube.Find(cell.Key)));
        Assert.Equal(13, latest.Cube.Find(CellKey.All)!.Measures!.PatientsInfused);
        var small = latest.Cube.Find(new CellKey("KZ", Academic, 2024));
        Assert.True(small is { Suppressed: true, Measures: null }, $"{small} is published");

        world.Clock.Advance(TimeSpan.FromDays(30));
        await InfusedAsync(world, Academic, count: 1, from: 24, year: 2024);
        var third = await world.StatisticsReleaseCubes.GetAsync(world.Store, (await world.PublishStatisticsRelease.ExecuteAsync(None)).ReleaseId, None);
        Assert.Equal(18, third.Cube.Find(CellKey.All)!.Measures!.PatientsInfused);
        Assert.Equal(5, third.Cube.Find(new CellKey("KZ", Academic, 2024))!.Measures!.PatientsInfused);
        Assert.Equal([third.ReleaseId, second.ReleaseId, first.ReleaseId], (await new ListStatisticsReleases(world.Store).ExecuteAsync(None)).Select(r => r.ReleaseId));
    }

    [Fact]
    public async Task A_release_is_read_and_computed_once_per_process_and_a_second_cut_in_the_same_second_is_refused()
    {
        await using var world = await CreateAsync();
        await InfusedAsync(world, Academic, count: 5, from: 0);
        var release = await world.PublishStatisticsRelease.ExecuteAsync(None);

        var once = await world.StatisticsReleaseCubes.GetAsync(world.Store, null, None);
        var again = await world.StatisticsReleaseCubes.GetAsync(world.Store, release.ReleaseId, None);

        Assert.Same(once, again);
        Assert.Equal(1, world.StatisticsReleaseCubes.Reads);
        Assert.Equal(5, release.Covered().Count);
        await Assert.ThrowsAsync<RuleViolationException>(() => world.PublishStatisticsRelease.ExecuteAsync(None));
    }

    private static async Task InfusedAsync(RegistryWorld world, string product, int count, int from, int year = 2025)
    {
        for (var i = from; i < from + count; i++)
        {
            var enrolled = await world.EnrolPatient.ExecuteAsync(new EnrolPatientCommand($"KZ-82{i:00}-0001", null, Astana, 2016, 5, Sex.Female, DiseaseStatus.Relapsed,
                Cd19Status.Positive, 2, RegistryOnly), AstanaClinician, None);
            await world.RecordInfusion.ExecuteAsync(new RecordInfusionCommand(enrolled.Id, product, 1.5, DateParts.Of(new DateOnly(year, 5, 1)), null), AstanaClinician, None);
        }
    }
}
