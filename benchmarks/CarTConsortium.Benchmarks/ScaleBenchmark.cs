using System.Diagnostics;
using System.Globalization;
using CarTConsortium.Testing;
using Grpc.Core;

namespace CarTConsortium.Benchmarks;

/// <summary>What the scale command line asked for; size i is <c>Patients[i]</c> patients with <c>Bookings[i]</c> bookings.</summary>
/// <param name="DataFolder">Where each size's data folder is made, kept; null for a temporary folder, each size's deleted once measured.</param>
public sealed record ScaleSettings(IReadOnlyList<int> Patients, IReadOnlyList<int> Bookings, int Runs, int Samples, string? DataFolder)
{
    /// <summary>What makes a size impossible to seed or measure, one line each; none when every size can run.</summary>
    public IEnumerable<string> Problems()
    {
        if (Patients.Count != Bookings.Count)
        {
            yield return $"--patients and --bookings pair by position: give as many sizes of each (not {Patients.Count} and {Bookings.Count}).";
        }
        if (SlotsSeed.MaxActiveBookings + ScaleMeasurements.RequestsNeeded(Samples) > SlotsSeed.HoldLimit)
        {
            yield return $"--samples {Samples} makes more holds than slots lets one hospital keep ({SlotsSeed.HoldLimit}, with up to {SlotsSeed.MaxActiveBookings} seeded ones).";
        }
        foreach (var (patients, bookings) in Patients.Zip(Bookings))
        {
            var hub = ScaleCohort.HubPatientsOf(patients);
            var needed = bookings + ScaleMeasurements.RequestsNeeded(Samples);
            if (needed > hub)
            {
                yield return $"{patients} patients give the Astana hub {hub} patients, fewer than its {bookings} bookings plus {ScaleMeasurements.RequestsNeeded(Samples)} measured requests.";
            }
            if (bookings < ScaleMeasurements.TenthPageNeeds)
            {
                yield return $"{bookings} bookings give no tenth page of ListBookings: at least {ScaleMeasurements.TenthPageNeeds} are needed.";
            }
            if (bookings > Runs * SlotsSeed.MaxLinesPerRun)
            {
                yield return $"{bookings} bookings do not fit in {Runs} runs of at most {SlotsSeed.MaxLinesPerRun} lines.";
            }
        }
    }
}

/// <summary>One size's figures; a measurement is null when the size failed before it.</summary>
/// <param name="Measuring">How long the reads took (every kind, warm-ups and the tenth pages' tokens included) and the RequestRun calls (the site's runs published first).</param>
public sealed record ScaleRow(int Patients, int Bookings, TimeSpan Seeding, TimeSpan Started, TimeSpan Ready, ScaleReads? Reads, Measurement? RequestOne,
    Measurement? RequestMany, long PeakWorkingSet, IReadOnlyList<string> Problems, (TimeSpan Reads, TimeSpan Requests) Measuring = default)
{
    public IEnumerable<(string Name, Measurement Measurement)> Measurements =>
        (Reads?.All ?? []).Concat(RequestOne is null ? [] : [("RequestRun, 1 client", RequestOne)])
            .Concat(RequestMany is null ? [] : [("RequestRun, 64 clients", RequestMany)]);

    public int Errors => Problems.Count + Measurements.Sum(m => m.Measurement.Count(OutcomeKind.Error));
}

/// <summary>
/// The scale benchmark: for each size, a fresh data folder seeded straight into the stores (by a child process:
/// <see cref="ScaleSeeder"/>), the standalone platform started on it in this process, its start and its reads
/// and bookings measured through the gateway, the platform stopped; then one table of every size.
/// </summary>
public static class ScaleBenchmark
{
    /// <summary>How long the registry may take to answer statistics after start (its tallies are seeded, so only a rebuild takes long).</summary>
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromMinutes(20);

    /// <summary>
    /// The booking benchmark's settings, with the highest hold limits slots accepts: the hub's seeded bookings under way and the
    /// measured requests' holds all count against them.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> AppSettings { get; } = PlatformSession.AppSettings
        .ToDictionary(app => app.Key, app => app.Key != "slots" ? app.Value : new Dictionary<string, string?>(app.Value)
        {
            ["Slots:InstitutionLimits:MaxActive"] = SlotsSeed.HoldLimit.ToString(CultureInfo.InvariantCulture),
            ["Slots:InstitutionLimits:MaxUnconfirmed"] = SlotsSeed.HoldLimit.ToString(CultureInfo.InvariantCulture),
        });

    public static async Task<int> RunAsync(ScaleSettings settings, CancellationToken ct)
    {
        var problems = settings.Problems().ToList();
        if (problems.Count > 0)
        {
            problems.ForEach(Console.Error.WriteLine);
            return 1;
        }
        var clock = Stopwatch.StartNew();
        void Say(string what) => Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {what}");

        using var temporary = settings.DataFolder is null ? new TemporaryFolder("cartc-scale-") : null;
        var root = settings.DataFolder ?? temporary!.Path;
        var pseudonymiser = ScaleCohort.StandalonePseudonymiser();
        var rows = new List<ScaleRow>();
        for (var i = 0; i < settings.Patients.Count; i++)
        {
            var (patients, bookings) = (settings.Patients[i], settings.Bookings[i]);
            var folder = Path.Combine(root, $"size-{i + 1}-{patients}-patients-{bookings}-bookings");
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            Say($"Size {i + 1}: seeding {patients:N0} patients, {settings.Runs:N0} runs, {bookings:N0} bookings into {folder}...");
            rows.Add(await SizeAsync(settings, new ScaleCohort(patients, pseudonymiser), bookings, folder, Say, ct));
            if (settings.DataFolder is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        ScaleTable.Print(settings, root, rows);
        return rows.Any(r => r.Errors > 0) ? 1 : 0;
    }

    private static async Task<ScaleRow> SizeAsync(ScaleSettings settings, ScaleCohort cohort, int bookings, string folder, Action<string> say, CancellationToken ct)
    {
        var seeding = Stopwatch.StartNew();
        var exit = await SeedInChildAsync(new ScaleSeedSettings(folder, cohort.Patients, bookings, settings.Runs), ct);
        seeding.Stop();
        if (exit != 0)
        {
            return new ScaleRow(cohort.Patients, bookings, seeding.Elapsed, TimeSpan.Zero, TimeSpan.Zero, null, null, null, 0, [$"seeding failed (exit code {exit})"]);
        }
        say($"Seeded in {seeding.Elapsed.TotalSeconds:F0} s.");
        var fresh = Enumerable.Range(bookings, ScaleMeasurements.RequestsNeeded(settings.Samples))
            .Select(n => cohort.PseudonymOf(ScaleCohort.Slot(ScaleCohort.HubIndex(n))))
            .ToList();
        var lastSeededRun = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(SlotsSeed.AheadDays);

        // Whatever the previous size left behind is collected first, so the peak below is this size's.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        await using var sampler = new WorkingSetSampler();
        var start = Stopwatch.StartNew();
        TimeSpan started = TimeSpan.Zero, ready = TimeSpan.Zero, readsTook = TimeSpan.Zero, requestsTook = TimeSpan.Zero;
        ScaleReads? reads = null;
        (Measurement One, Measurement Many)? requests = null;
        var problems = new List<string>();
        say("Starting the standalone platform on it...");
        try
        {
            await using var session = await PlatformSession.StartAsync(folder, ct, appSettings: AppSettings);
            started = start.Elapsed;
            await session.FetchTokensAsync();
            var measure = new ScaleMeasurements(session, settings.Samples);
            await measure.WaitForStatisticsAsync(ReadyWithin, ct);
            ready = start.Elapsed;
            say($"Started in {started.TotalSeconds:F1} s, statistics answered at {ready.TotalSeconds:F1} s; measuring reads...");
            var phase = Stopwatch.StartNew();
            reads = await measure.ReadsAsync(ct);
            readsTook = phase.Elapsed;
            // Each figure as soon as it is measured: a run stopped before the table still leaves them.
            say($"Reads measured in {readsTook.TotalSeconds:F1} s: " + Figures(reads.All) + "; measuring RequestRun with 1 and 64 clients...");
            phase.Restart();
            requests = await measure.RequestRunAsync(fresh, lastSeededRun, ct);
            requestsTook = phase.Elapsed;
            say($"RequestRun measured in {requestsTook.TotalSeconds:F1} s: " + Figures([("1 client", requests.Value.One), ("64 clients", requests.Value.Many)])
                + $"; peak working set so far {sampler.Peak / (1024 * 1024)} MiB.");
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            problems.Add("a call the measurements need failed: " + Retry.Describe(e));
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
        problems.ForEach(p => say("Problem: " + p));
        return new ScaleRow(cohort.Patients, bookings, seeding.Elapsed, started, ready, reads, requests?.One, requests?.Many, sampler.Peak, problems,
            (readsTook, requestsTook));
    }

    /// <summary>E.g. "GetStatistics p50/p99 12.0/30.1 ms (0 errors)", for each measurement.</summary>
    private static string Figures(IEnumerable<(string Name, Measurement Measurement)> measurements) => string.Join(", ", measurements.Select(m =>
        $"{m.Name} p50/p99 {Report.Milliseconds(m.Measurement.Percentile(50))}/{Report.Milliseconds(m.Measurement.Percentile(99))} ms ({m.Measurement.Count(OutcomeKind.Error)} errors)"));

    /// <summary>Runs <c>scale seed</c> in a child process of this very program, its output shown as it comes.</summary>
    private static async Task<int> SeedInChildAsync(ScaleSeedSettings seed, CancellationToken ct)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark cannot find its own executable to seed in a child process.");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            // Run as `dotnet CarTConsortium.Benchmarks.dll`: the child needs the program's path too.
            start.ArgumentList.Add(typeof(ScaleBenchmark).Assembly.Location);
        }
        foreach (var argument in ScaleCommand.SeedArguments(seed))
        {
            start.ArgumentList.Add(argument);
        }
        using var child = Process.Start(start) ?? throw new InvalidOperationException("The seeding process did not start.");
        await child.WaitForExitAsync(ct);
        return child.ExitCode;
    }
}
