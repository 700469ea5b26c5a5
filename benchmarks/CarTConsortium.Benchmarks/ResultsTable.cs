using System.Globalization;
using Spectre.Console;

namespace CarTConsortium.Benchmarks;

/// <summary>The report: the machine, the settings, one table of every scenario at every client level, and what went wrong.</summary>
public static class ResultsTable
{
    public static void Print(BenchmarkSettings settings, string dataFolder, IReadOnlyList<ScenarioResult> results, IReadOnlyList<string> notes)
    {
        Report.Begin();
        AnsiConsole.Write(Report.Machine());
        var (runs, lines) = ScenarioRunner.UncontendedLayout(settings.Requests);
        AnsiConsole.Write(Report.Facts("Settings",
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
            table.AddRow(Report.Cells(
                r.Clients.ToString(CultureInfo.InvariantCulture),
                r.Scenario,
                m.Requests.ToString(CultureInfo.InvariantCulture),
                r.Check is null ? "-" : m.Count(OutcomeKind.Booked).ToString(CultureInfo.InvariantCulture),
                r.Check is null ? "-" : m.Count(OutcomeKind.Refused).ToString(CultureInfo.InvariantCulture),
                r.Errors.ToString(CultureInfo.InvariantCulture),
                r.Throughput.ToString("F1", CultureInfo.InvariantCulture),
                r.Check is null ? "-" : r.BookingsPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                Report.Milliseconds(m.Percentile(50)),
                Report.Milliseconds(m.Percentile(95)),
                Report.Milliseconds(m.Percentile(99)),
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
}
