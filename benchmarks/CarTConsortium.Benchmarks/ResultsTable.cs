using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CarTConsortium.Benchmarks;

/// <summary>The report: the machine, the settings, one table of every scenario at every client level, and what went wrong.</summary>
public static class ResultsTable
{
    public static void Print(BenchmarkSettings settings, string dataFolder, IReadOnlyList<ScenarioResult> results, IReadOnlyList<string> notes)
    {
        // Redirected to a file, Spectre would assume 80 columns and fold the table.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        }
        AnsiConsole.WriteLine();
        AnsiConsole.Write(Facts("Machine",
            ("processors", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
            ("OS", RuntimeInformation.OSDescription),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("build", BuildConfiguration),
            ("GC", GCSettings.IsServerGC ? "server" : "workstation")));
        var (runs, lines) = ScenarioRunner.UncontendedLayout(settings.Requests);
        AnsiConsole.Write(Facts("Settings",
            ("clients", string.Join(", ", settings.ClientLevels)),
            ("requests", $"{settings.Requests} per scenario and client level"),
            ("data", dataFolder + (settings.DataFolder is null ? " (temporary, deleted afterwards)" : " (kept)")),
            ("platform", "standalone, in this process, demo data; every call through the gateway's gRPC endpoint with a real token"),
            ("requests made", $"RequestRun by {Identities.Hospital} for {Identities.ProductId} at {Identities.SiteId}, standard urgency, no_waitlist, a fresh patient each"),
            ("contended", $"{ScenarioRunner.ContendedRuns} runs x {ScenarioRunner.ContendedLines} lines = {ScenarioRunner.ContendedRuns * ScenarioRunner.ContendedLines} places"),
            ("uncontended", $"{runs} runs x {lines} lines = {runs * lines} places"),
            ("fair shares", "Slots:Fairness:Shares:KZ/UZ/KG = 0: raw allocation, no place reserved for any country"),
            ("gateway quotas", "per country and per client raised out of reach, so no request is throttled"),
            ("latency", "client-side, per call, errors included; nearest-rank percentiles")));

        var table = new Table().Title("Manufacturing-slot booking through the gateway");
        table.AddColumn("clients", c => c.RightAligned());
        table.AddColumn("scenario");
        foreach (var column in new[] { "requests", "booked", "refused", "errors", "req/s", "bookings/s", "p50 ms", "p95 ms", "p99 ms", "overbooked" })
        {
            table.AddColumn(column, c => c.RightAligned());
        }
        foreach (var r in results)
        {
            var m = r.Measurement;
            table.AddRow(Cells(
                r.Clients.ToString(CultureInfo.InvariantCulture),
                r.Scenario,
                m.Requests.ToString(CultureInfo.InvariantCulture),
                r.Check is null ? "-" : m.Count(OutcomeKind.Booked).ToString(CultureInfo.InvariantCulture),
                r.Check is null ? "-" : m.Count(OutcomeKind.Refused).ToString(CultureInfo.InvariantCulture),
                r.Errors.ToString(CultureInfo.InvariantCulture),
                r.Throughput.ToString("F1", CultureInfo.InvariantCulture),
                r.Check is null ? "-" : r.BookingsPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                Milliseconds(m.Percentile(50)),
                Milliseconds(m.Percentile(95)),
                Milliseconds(m.Percentile(99)),
                r.Check switch
                {
                    null => "-",
                    { Overbooked: { } n } => n.ToString(CultureInfo.InvariantCulture),
                    _ => "unknown",
                }));
        }
        AnsiConsole.Write(table);

        foreach (var r in results)
        {
            var errors = r.Measurement.Errors.Select(e => $"{e.Count} {e.Error}");
            var findings = r.Check?.Findings ?? [];
            if (r.Errors > 0 || findings.Count > 0)
            {
                AnsiConsole.WriteLine($"{r.Clients} clients, {r.Scenario}: " + string.Join("; ", r.Errors > 0 ? findings.Prepend("errors: " + string.Join(", ", errors)) : findings));
            }
        }
        foreach (var note in notes)
        {
            AnsiConsole.WriteLine(note);
        }
    }

    private static string BuildConfiguration =>
#if DEBUG
        "Debug (run with -c Release for figures worth comparing)";
#else
        "Release";
#endif

    private static Grid Facts(string title, params (string Name, string Value)[] facts)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow(new Text(title, new Style(decoration: Decoration.Bold)), Text.Empty);
        foreach (var (name, value) in facts)
        {
            grid.AddRow(new Text("  " + name), new Text(value));
        }
        return grid;
    }

    // Text, not markup: a status detail may hold brackets.
    private static IRenderable[] Cells(params string[] values) => [.. values.Select(v => new Text(v))];

    private static string Milliseconds(double value) => double.IsNaN(value) ? "-" : value.ToString("F1", CultureInfo.InvariantCulture);
}
