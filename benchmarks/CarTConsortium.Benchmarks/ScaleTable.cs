using System.Globalization;
using Spectre.Console;

namespace CarTConsortium.Benchmarks;

/// <summary>The scale benchmark's report: the machine, the settings and the targets, one row per size, then each size's errors.</summary>
public static class ScaleTable
{
    private const double MiB = 1024 * 1024;

    public static void Print(ScaleSettings settings, string root, IReadOnlyList<ScaleRow> rows)
    {
        Report.Begin();
        if (Console.IsOutputRedirected)
        {
            // Fifteen columns: wider than the booking table's.
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        }
        AnsiConsole.Write(Report.Machine());
        AnsiConsole.Write(Report.Facts("Settings",
            ("sizes", string.Join(", ", settings.Patients.Zip(settings.Bookings, (p, b) => $"{p:N0} patients + {b:N0} bookings"))),
            ("runs", $"{settings.Runs:N0} at every size, from {SlotsSeed.HistoryDays / 365} years back to {SlotsSeed.AheadDays} days ahead, at the three demo sites"),
            ("samples", $"{settings.Samples} calls of each kind per size, after 5 warm-up calls; RequestRun: {settings.Samples} with 1 client, then {settings.Samples} with 64"),
            ("data", root + (settings.DataFolder is null ? " (temporary, deleted afterwards)" : " (kept)")),
            ("seeding", "straight into registry.db and slots.db by a child process, with the services' domain types; the registry's tallies built by its BuildStatisticsTallies, key indexes made"),
            ("platform", "standalone, in this process, demo data on top; every call through the gateway's gRPC endpoint with a real token"),
            ("calls", $"GetStatistics as {Identities.Admin}; ListPatients (treatment) as {Identities.Clinician} and ListBookings as {Identities.Hospital}, both of {Identities.HospitalId}; "
                + $"RequestRun by {Identities.Hospital} for a fresh patient each, on runs of 50 lines at {Identities.SiteId}"),
            ("latency", "p50/p99 in ms: client-side, per call, errors included; nearest-rank percentiles"),
            ("columns", "stats: GetStatistics; by country: grouped by COUNTRY; patients: ListPatients; bookings: ListBookings; p1, p10: first and tenth page; "
                + "RequestRun 1, 64: with 1 and 64 clients"),
            ("start", "start: the platform's start until its gateway answers; ready: until GetStatistics answers (not FAILED_PRECONDITION)"),
            ("peak WS", "the highest working set read every 100 ms from start to the last call: the platform and the benchmark's clients, not the seeding")));
        AnsiConsole.WriteLine("Targets (issue 17, reported, not asserted): GetStatistics p99 < 200 ms at 1M patients; list pages p99 < 50 ms at the largest size; "
            + "RequestRun p99 at the largest size within 20% of the smallest; peak working set < 1 GiB with 1M patients and 100k bookings; 0 errors.");

        var table = new Table().Title("Scale: the standalone platform on seeded data, through the gateway");
        // Each latency cell is "p50/p99" in ms, so that a row of every figure fits a terminal.
        foreach (var column in new[] { "patients", "bookings", "seed s", "start s", "ready s", "stats", "stats by country", "patients p1", "patients p10",
            "bookings p1", "bookings p10", "RequestRun 1", "RequestRun 64", "peak WS MiB", "errors" })
        {
            table.AddColumn(column, c => c.RightAligned());
        }
        foreach (var row in rows)
        {
            var reads = row.Reads;
            table.AddRow(Report.Cells(
            [
                .. SizeCells(row),
                Latency(reads?.Statistics),
                Latency(reads?.StatisticsByCountry),
                Latency(reads?.PatientsFirst),
                Latency(reads?.PatientsTenth),
                Latency(reads?.BookingsFirst),
                Latency(reads?.BookingsTenth),
                Latency(row.RequestOne),
                Latency(row.RequestMany),
                row.PeakWorkingSet == 0 ? "-" : (row.PeakWorkingSet / MiB).ToString("F0", CultureInfo.InvariantCulture),
                row.Errors.ToString(CultureInfo.InvariantCulture),
            ]));
        }
        AnsiConsole.Write(table);

        foreach (var row in rows)
        {
            var errors = row.Problems.Concat(row.Measurements
                .Where(m => m.Measurement.Count(OutcomeKind.Error) > 0)
                .Select(m => $"{m.Name}: " + string.Join(", ", m.Measurement.Errors.Select(e => $"{e.Count} {e.Error}"))));
            foreach (var error in errors)
            {
                AnsiConsole.WriteLine($"{row.Patients:N0} patients + {row.Bookings:N0} bookings: {error}");
            }
        }
        PrintTimes(rows);
        Targets.Print("Targets (issue 17): reported, not asserted", TargetRows(rows));
        AnsiConsole.WriteLine(Report.BuildNote);
        var failed = rows.Count(r => r.Errors > 0);
        AnsiConsole.WriteLine(failed == 0 ? "Result: no errors." : $"Result: FAILED at {failed} of {rows.Count} sizes (see above).");
    }

    /// <summary>How long each size's phases took, so a run's cost is plain (the 1M size is the long one).</summary>
    private static void PrintTimes(IReadOnlyList<ScaleRow> rows)
    {
        var table = new Table().Title("Time taken, in seconds");
        foreach (var column in new[] { "patients", "bookings", "seeding", "start", "ready", "reads", "RequestRun", "size in all" })
        {
            table.AddColumn(column, c => c.RightAligned());
        }
        foreach (var row in rows)
        {
            table.AddRow(Report.Cells(
            [
                .. SizeCells(row),
                Seconds(row.Measuring.Reads),
                Seconds(row.Measuring.Requests),
                Seconds(row.Seeding + row.Ready + row.Measuring.Reads + row.Measuring.Requests),
            ]));
        }
        AnsiConsole.Write(table);
    }

    /// <summary>
    /// Issue 17's targets against this run: the reads and the working set at the largest size (the targets name 1M patients and
    /// 100k bookings; the "at" column says what was measured), RequestRun's growth from the smallest size to the largest.
    /// </summary>
    public static IReadOnlyList<TargetRow> TargetRows(IReadOnlyList<ScaleRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }
        var largest = rows.MaxBy(r => (r.Patients, r.Bookings))!;
        var smallest = rows.MinBy(r => (r.Patients, r.Bookings))!;
        var at = $"{largest.Patients:N0} p + {largest.Bookings:N0} b";
        var growth = $"{smallest.Bookings:N0} -> {largest.Bookings:N0} b";
        var reads = largest.Reads;
        return
        [
            Targets.P99Below("GetStatistics p99 < 200 ms at 1M patients", at, reads?.Statistics, 200),
            Targets.P99Below("GetStatistics by country p99 < 200 ms at 1M patients", at, reads?.StatisticsByCountry, 200),
            Targets.P99Below("ListPatients page 1 p99 < 50 ms", at, reads?.PatientsFirst, 50),
            Targets.P99Below("ListPatients page 10 p99 < 50 ms", at, reads?.PatientsTenth, 50),
            Targets.P99Below("ListBookings page 1 p99 < 50 ms", at, reads?.BookingsFirst, 50),
            Targets.P99Below("ListBookings page 10 p99 < 50 ms", at, reads?.BookingsTenth, 50),
            Targets.P99Growth("RequestRun p99, 1 client, within 20% of the smallest size's", growth, smallest.RequestOne, largest.RequestOne, 0.2),
            Targets.P99Growth("RequestRun p99, 64 clients, within 20% of the smallest size's", growth, smallest.RequestMany, largest.RequestMany, 0.2),
            new TargetRow("peak working set < 1 GiB with 1M patients and 100k bookings", at,
                largest.PeakWorkingSet == 0 ? "-" : $"{largest.PeakWorkingSet / MiB:F0} MiB", largest.PeakWorkingSet == 0 ? null : largest.PeakWorkingSet < 1024 * MiB),
            new TargetRow("0 errors", "every size", rows.Sum(r => r.Errors).ToString(CultureInfo.InvariantCulture), rows.Sum(r => r.Errors) == 0),
        ];
    }

    /// <summary>The cells both tables start with: the size, and how long it took to seed, start and answer statistics.</summary>
    private static string[] SizeCells(ScaleRow row) =>
    [
        row.Patients.ToString("N0", CultureInfo.InvariantCulture),
        row.Bookings.ToString("N0", CultureInfo.InvariantCulture),
        Seconds(row.Seeding),
        Seconds(row.Started),
        Seconds(row.Ready),
    ];

    private static string Seconds(TimeSpan time) => time == TimeSpan.Zero ? "-" : time.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);

    private static string Latency(Measurement? m) => m is null ? "-" : $"{Report.Milliseconds(m.Percentile(50))}/{Report.Milliseconds(m.Percentile(99))}";
}
