using System.Globalization;
using Spectre.Console;

namespace CarTConsortium.Benchmarks;

/// <summary>The page benchmark's report: the machine, the settings, one row per page, and the pages skipped or failed.</summary>
public static class PagesTable
{
    public static void Print(int samples, IReadOnlyList<PageResult> results)
    {
        Report.Begin();
        AnsiConsole.Write(Report.Machine());
        AnsiConsole.Write(Report.Facts("Settings",
            ("samples", $"{samples} per page, after one warm-up load"),
            ("platform", "standalone with the portal, in this process, demo data, a fresh temporary data folder"),
            ("browser", $"{PageBenchmark.Chromium}, headless, through Microsoft.Playwright; signed in on the login pages as each demo user"),
            ("measured", "navigation start (performance.now() = 0) to the first DOM change showing the page's data selector; nearest-rank percentiles")));

        var table = new Table().Title("Portal pages: navigation start to data shown");
        table.AddColumn("page");
        table.AddColumn("role");
        foreach (var column in new[] { "samples", "p50 ms", "p95 ms", "max ms" })
        {
            table.AddColumn(column, c => c.RightAligned());
        }
        foreach (var r in results.Where(r => r.Skipped is null))
        {
            table.AddRow(Report.Cells(
                "/" + r.Page.Path,
                r.Page.Who.Role,
                r.SamplesMs.Count.ToString(CultureInfo.InvariantCulture),
                Report.Milliseconds(r.Percentile(50)),
                Report.Milliseconds(r.Percentile(95)),
                r.Failure is null ? Report.Milliseconds(r.Max) : "failed"));
        }
        AnsiConsole.Write(table);

        foreach (var r in results.Where(r => r.Skipped is not null))
        {
            AnsiConsole.WriteLine($"Skipped /{r.Page.Path} ({r.Page.Who.Role}): {r.Skipped}.");
        }
        foreach (var r in results.Where(r => r.Failure is not null))
        {
            AnsiConsole.WriteLine($"FAILED /{r.Page.Path} ({r.Page.Who.Role}): {r.Failure}");
        }
        AnsiConsole.WriteLine(Report.BuildNote);
        var failed = results.Count(r => r.Failure is not null);
        AnsiConsole.WriteLine(failed == 0
            ? $"Result: {results.Count(r => r.Skipped is null)} pages measured, none failed."
            : $"Result: FAILED: {failed} of {results.Count} pages did not load.");
    }
}
