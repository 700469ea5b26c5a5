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
        var sites = Identities.Sites.Count;
        var release = ScenarioRunner.ReleaseDayLayout(settings.Requests, sites);
        var (burstRuns, burstLines) = ScenarioRunner.UncontendedLayout(Math.Max(1, settings.Burst));
        AnsiConsole.Write(Report.Facts("Settings",
            ("clients", string.Join(", ", settings.ClientLevels)),
            ("requests", $"{settings.Requests} per scenario and client level"),
            ("data", dataFolder + (settings.DataFolder is null ? " (temporary, deleted afterwards)" : " (kept)")),
            ("platform", "standalone, in this process, demo data; every call through the gateway's gRPC endpoint with a real token"),
            ("requests made", $"RequestRun by {Identities.Hospital} for {Identities.ProductId} at {Identities.SiteId} (release day and spread: the scenario's sites), standard urgency, no_waitlist, a fresh patient each"),
            ("contended", $"{ScenarioRunner.ContendedRuns} runs x {ScenarioRunner.ContendedLines} lines = {ScenarioRunner.ContendedRuns * ScenarioRunner.ContendedLines} places"),
            (ScenarioRunner.OneLedger, $"{runs} runs x {lines} lines = {runs * lines} places, all at {Identities.SiteId} in one month: every hold commits against that one ledger"),
            (ScenarioRunner.Spread, "a ledger per client (" + string.Join(", ", settings.ClientLevels.Select(c => Spread(c, settings.Requests, sites)))
                + $"), the {sites} sites in turn then the next month; client c makes calls c, c + clients, ... on its own ledger only"),
            (ScenarioRunner.ReleaseDay, $"{release.Sum(site => site.Sum())} places for {settings.Requests} requests, all in one month at {sites} sites ("
                + string.Join(", ", Identities.Sites.Select((site, i) => $"{site.SiteId} {string.Join("+", release[i])}")) + "), published, then every client let go at once; any site, cross-border included"),
            ("sites", $"the demo has {sites} manufacturing sites with a client identity, so the release day uses {sites}, not 5"),
            ("burst", settings.Burst == 0 ? "none (--burst 0)"
                : $"{settings.Burst} clients, one RequestRun each, let go at once; {burstRuns} runs x {burstLines} lines at {Identities.SiteId}; gRPC, then REST (POST /v1/slots/requests, HTTP/1.1)"),
            ("pool", $"the thread pool's peak queued work items and peak threads during the scenario, sampled every {PoolSampler.Interval.TotalMilliseconds:F0} ms: the platform's own, in this process"),
            ("fair shares", "Slots:Fairness:Shares:KZ/UZ/KG = 0: raw allocation, no place reserved for any country"),
            ("gateway quotas", "per country and per client raised out of reach, so no request is throttled"),
            ("latency", "client-side, per call, errors included; nearest-rank percentiles")));

        var table = new Table().Title("Manufacturing-slot booking through the gateway");
        table.AddColumn("clients", c => c.RightAligned());
        table.AddColumn("scenario");
        foreach (var column in new[] { "requests", "booked", "refused", "errors", "408", "req/s", "bookings/s", "p50 ms", "p95 ms", "p99 ms", "overbooked", "pool queue", "threads" })
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
                m.TimedOut.ToString(CultureInfo.InvariantCulture),
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
                },
                m.Pool.QueueLength.ToString(CultureInfo.InvariantCulture),
                m.Pool.Threads.ToString(CultureInfo.InvariantCulture)));
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
        AnsiConsole.WriteLine("408: calls answered HTTP 408 (request timeout), over REST or gRPC; counted in errors too.");
        foreach (var note in notes)
        {
            AnsiConsole.WriteLine(note);
        }
    }

    private static string Spread(int clients, int requests, int sites)
    {
        var (ledgers, months, runs, lines) = ScenarioRunner.SpreadLayout(clients, requests, sites);
        return $"{clients} clients: {ledgers} ledgers over {months} month(s), {runs} x {lines} places each";
    }
}
