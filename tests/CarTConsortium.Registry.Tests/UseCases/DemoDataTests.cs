using System.Diagnostics;
using System.Globalization;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Statistics;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>The module's demo registry: loaded once, and its consortium figures land beside the review paper's benchmark.</summary>
public sealed class DemoDataTests(ITestOutputHelper output) : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-demo-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_demo_registry_is_seeded_once_and_its_figures_sit_near_the_benchmark_with_small_cells_hidden()
    {
        var watch = Stopwatch.StartNew();
        var store = new SqliteDocumentStore(Path.Combine(_folder, "registry.db"), new OutboxSignal());
        var module = new RegistryModule();
        await using var services = ModuleWiring.Services(module, store, _clock);

        await module.SeedDemoDataAsync(services, CancellationToken.None);
        var seeded = await CountPatientsAsync(store);
        var outboxAfterFirst = (await store.ReadPendingAsync(100_000, CancellationToken.None)).Count;
        await module.SeedDemoDataAsync(services, CancellationToken.None);

        Assert.Equal(66, seeded);
        Assert.Equal(seeded, await CountPatientsAsync(store));
        Assert.Equal(outboxAfterFirst, (await store.ReadPendingAsync(100_000, CancellationToken.None)).Count);

        // Seeding built the statistics: the module's background job has nothing left to build.
        Assert.False(await services.GetServices<IHostedService>().OfType<StatisticsTalliesJob>().Single().RunOnceAsync(CancellationToken.None));
        // Seeding cut the first release too (once: seeded again, still one), and the statistics answer from it.
        Assert.Single(await new ListStatisticsReleases(store).ExecuteAsync(CancellationToken.None));
        var statistics = new GetStatistics(store, services.GetRequiredService<StatisticsReleaseCubes>());
        var total = (await statistics.ExecuteAsync(new GetStatisticsCommand([], null, null, 0), CancellationToken.None)).Slice.Total;
        var measures = total.Measures!;
        var benchmark = Benchmark.Cibmtr;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Demo consortium: {measures.PatientsInfused} infused; CR {Show(measures.CompleteRemission)} (benchmark {benchmark.CompleteRemission:0.000}); " +
            $"1-year OS {Show(measures.OverallSurvival1y)} (benchmark {benchmark.OverallSurvival1y:0.000}); " +
            $"MRD- remission {Show(measures.MrdNegativeRemission)}; CRS>=3 {Show(measures.CrsGrade3OrMore)}; ICANS>=3 {Show(measures.IcansGrade3OrMore)}; " +
            $"1-year EFS {Show(measures.EventFreeSurvival1y)}"));
        // The release publishes the admitted cells only (>= 5 patients each): the 24 patients of the demo's small cells are in no figure.
        Assert.Equal(42, measures.PatientsInfused);
        Assert.InRange(measures.CompleteRemission!.Value, 0.70, 0.97);
        Assert.InRange(measures.OverallSurvival1y!.Value, 0.60, 0.92);

        var cube = (await statistics.ExecuteAsync(new GetStatisticsCommand([Dimension.Country, Dimension.Product, Dimension.Year], null, null, 0), CancellationToken.None)).Slice;
        Assert.Contains(cube.Cells, c => c.Suppressed);
        Assert.Contains(cube.Cells, c => !c.Suppressed);
        foreach (var cell in cube.Cells)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {cell.Key.Country} {cell.Key.ProductId} {cell.Key.Year}: {(cell.Suppressed ? cell.Suppression.ToString() : cell.Measures!.PatientsInfused.ToString(CultureInfo.InvariantCulture))}"));
        }
        // Every grouping (each subset of the three dimensions) with its total: the margins are published cells too.
        var cells = new List<StatisticsCell>();
        foreach (var grouping in new Dimension?[][]
        {
            [], [Dimension.Country], [Dimension.Product], [Dimension.Year], [Dimension.Country, Dimension.Product],
            [Dimension.Country, Dimension.Year], [Dimension.Product, Dimension.Year], [Dimension.Country, Dimension.Product, Dimension.Year],
        })
        {
            var slice = (await statistics.ExecuteAsync(new GetStatisticsCommand(grouping, null, null, 0), CancellationToken.None)).Slice;
            cells.AddRange(slice.Cells.Append(slice.Total));
        }
        foreach (var cell in cells.Where(c => !c.Suppressed))
        {
            Assert.True(cell.Measures!.PatientsInfused >= StatisticsCube.MinimumCellSize, $"{cell.Key} is shown with {cell.Measures.PatientsInfused} patients");
            foreach (var (name, estimate) in Estimates(cell.Measures))
            {
                Assert.True(estimate.Lower <= estimate.Value && estimate.Value <= estimate.Upper,
                    string.Create(CultureInfo.InvariantCulture, $"{cell.Key} {name}: {estimate.Lower} <= {estimate.Value} <= {estimate.Upper} fails"));
                Assert.InRange(estimate.Lower, 0.0, 1.0);
                Assert.InRange(estimate.Upper, 0.0, 1.0);
            }
        }
        Assert.All(cells.Where(c => c.Suppressed), c => Assert.Null(c.Measures));
        output.WriteLine($"{cube.Cells.Count} cells by country x product x year, {cube.Cells.Count(c => c.Suppressed)} suppressed; {watch.ElapsedMilliseconds} ms");
    }

    private static IEnumerable<(string Name, Estimate Estimate)> Estimates(GroupMeasures measures) =>
        new (string, Estimate?)[]
        {
            ("CR", measures.CompleteRemission),
            ("MRD- remission", measures.MrdNegativeRemission),
            ("CRS>=3", measures.CrsGrade3OrMore),
            ("ICANS>=3", measures.IcansGrade3OrMore),
            ("1y OS", measures.OverallSurvival1y),
            ("1y EFS", measures.EventFreeSurvival1y),
        }.Where(e => e.Item2 is not null).Select(e => (e.Item1, e.Item2!));

    private static string Show(Estimate? estimate) =>
        estimate is null ? "none" : string.Create(CultureInfo.InvariantCulture, $"{estimate.Value:0.000} [{estimate.Lower:0.000}-{estimate.Upper:0.000}] of {estimate.Denominator}");

    private static async Task<int> CountPatientsAsync(SqliteDocumentStore store)
    {
        var count = 0;
        var query = new DocumentQuery { Limit = DocumentQuery.MaxLimit };
        while (true)
        {
            var page = await store.QueryAsync(RegistryCollections.Patients, query, CancellationToken.None);
            count += page.Items.Count;
            if (page.NextAfterId is null)
            {
                return count;
            }
            query = query with { AfterId = page.NextAfterId };
        }
    }

    public void Dispose() => _folder.Dispose();
}
