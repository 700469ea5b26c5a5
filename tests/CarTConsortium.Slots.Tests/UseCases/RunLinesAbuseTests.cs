using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>Issue 15, item 11: a site registered with 2 production lines published runs of 3 and 10 lines. Slots now learns the lines from the registry and bounds a run by them.</summary>
public sealed class RunLinesAbuseTests
{
    [Fact]
    public async Task A_run_with_more_lines_than_the_site_registered_is_refused_naming_the_sites_lines_and_nothing_is_published()
    {
        using var world = await SlotsWorld.CreateAsync();

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.PublishAsync(lines: SlotsWorld.SiteLines + 1));

        Assert.Equal($"Site {SlotsWorld.Site} has {SlotsWorld.SiteLines} production line(s) in the registry; a run offers at most {SlotsWorld.SiteLines}, not {SlotsWorld.SiteLines + 1}.",
            refused.Message);
        Assert.Empty(await world.Sqlite.QueryAllAsync(SlotsCollections.Runs, DocumentQuery.All));
        Assert.Equal(SlotsWorld.SiteLines, (await world.PublishAsync(lines: SlotsWorld.SiteLines)).Value.Lines);
    }

    [Fact]
    public async Task When_the_registry_says_the_site_has_two_lines_runs_of_three_and_ten_are_refused_and_two_is_allowed()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.ProjectAsync(new InstitutionProjection(world.Store), new InstitutionChanged
        {
            Institution = new Institution
            {
                InstitutionId = SlotsWorld.Site,
                CountryCode = "KZ",
                Kind = InstitutionKind.ManufacturingSite,
                Revision = new Contracts.Common.V1.Revision { Version = 2 },
                Capabilities = new Capabilities { ProductionLines = 2 },
            },
        });

        foreach (var lines in new[] { 3, 10 })
        {
            var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.PublishAsync(lines: lines));
            Assert.Contains("has 2 production line(s) in the registry", refused.Message, StringComparison.Ordinal);
        }
        Assert.Equal(2, (await world.PublishAsync(lines: 2)).Value.Lines);
    }
}
