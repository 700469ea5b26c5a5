using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using CarTConsortium.Benchmarks;
using Grpc.Core;

// The booking benchmark (the default, or `booking`): `dotnet run -c Release --project benchmarks/CarTConsortium.Benchmarks -- --clients 1,16,64`.
// Exit code 1 when any request ended in an error or any run holds more bookings than lines.
// The portal-page benchmark: `dotnet run -c Release --project benchmarks/CarTConsortium.Benchmarks -- pages --samples 30`.
// Exit code 1 when any page failed to load.
var clientsOption = new Option<int[]>("--clients")
{
    Description = "Concurrent clients, comma-separated; every scenario is measured at each level",
    DefaultValueFactory = _ => [1, 16, 64],
    CustomParser = ParseClientLevels,
};
var requestsOption = new Option<int>("--requests")
{
    Description = "Calls per scenario at each client level",
    DefaultValueFactory = _ => 400,
};
AtLeast(requestsOption, 1);
var burstOption = new Option<int>("--burst")
{
    Description = "Concurrent requests of each burst (gRPC, then REST), all sent at once; 0 for no burst",
    DefaultValueFactory = _ => 500,
};
AtLeast(burstOption, 0);
var dataOption = new Option<DirectoryInfo?>("--data")
{
    Description = "The platform's data folder, kept afterwards (default: a fresh temporary folder, deleted afterwards)",
};
const string BookingDescription = "Manufacturing-slot booking benchmark: the standalone platform in-process, driven through its gateway with real tokens";
var booking = new Command("booking", BookingDescription + " (the default)")
{
    clientsOption,
    requestsOption,
    burstOption,
    dataOption,
};
var samplesOption = new Option<int>("--samples")
{
    Description = "Measured loads of each page, after one warm-up load",
    DefaultValueFactory = _ => 30,
};
samplesOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 1)
    {
        result.AddError("--samples must be at least 1.");
    }
});
var pages = new Command("pages", "Portal page render time: each role's main pages in headless Chromium, signed in as the demo users, navigation start to data shown")
{
    samplesOption,
};
var root = new RootCommand(BookingDescription + "; `pages` measures the portal's pages")
{
    clientsOption,
    requestsOption,
    burstOption,
    dataOption,
    booking,
    pages,
    ScaleCommand.Create(),
};
Task<int> Booking(ParseResult parse, CancellationToken ct) =>
    RunAsync(new BenchmarkSettings(parse.GetValue(clientsOption)!, parse.GetValue(requestsOption), parse.GetValue(dataOption)?.FullName,
        parse.GetValue(burstOption)), ct);
root.SetAction(Booking);
booking.SetAction(Booking);
pages.SetAction((parse, ct) => RunPagesAsync(parse.GetValue(samplesOption), ct));
return await root.Parse(args).InvokeAsync();

static async Task<int> RunPagesAsync(int samples, CancellationToken ct)
{
    var clock = Stopwatch.StartNew();
    void Say(string what) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {what}");

    Say("Starting the standalone platform with the portal (demo data, free loopback ports)...");
    await using var session = await PlatformSession.StartAsync(null, ct, withPortal: true);
    Say($"Portal at {session.Portal}.");
    try
    {
        var results = await new PageBenchmark(session.Portal!, samples, Say).RunAsync(PortalPages.All, ct);
        PagesTable.Print(samples, results);
        return results.Any(r => r.Failure is not null) ? 1 : 0;
    }
    catch (InvalidOperationException e)
    {
        // No browser to drive, or Playwright could not start it.
        Console.Error.WriteLine("The page benchmark could not be set up: " + e.Message);
        return 1;
    }
}

static async Task<int> RunAsync(BenchmarkSettings settings, CancellationToken ct)
{
    var clock = Stopwatch.StartNew();
    void Say(string what) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {what}");

    Say("Starting the standalone platform (demo data, free loopback ports)...");
    await using var session = await PlatformSession.StartAsync(settings.DataFolder, ct);
    try
    {
        await session.FetchTokensAsync();
        Say($"Tokens for {string.Join(", ", Identities.All)}.");
        var calendar = await RunCalendar.AfterExistingRunsAsync(session.Slots(Identities.Admin), ct);

        var count = ScenarioRunner.PatientsNeeded(settings.ClientLevels.Count, settings.Requests, settings.Burst);
        Say($"Enrolling {count} patients, {PatientPool.EnrolConcurrency} at a time...");
        var patients = await PatientPool.EnrolAsync(session.Registry(Identities.Clinician), count, ct);
        Say("Waiting until slots knows the last of them...");
        var notes = new List<string>();
        if (await patients.WaitUntilSlotsKnowsAsync(session.Slots(Identities.Hospital), calendar.Reserve(1)[0], ct) is { } notReady)
        {
            // Measured all the same: the table then shows what slots answers, as errors.
            notes.Add("Readiness: " + notReady);
            Say(notes[^1]);
        }

        var runner = new ScenarioRunner(session, patients, calendar, settings.Requests);
        Say("Warm-up: " + await runner.WarmUpAsync(ct));
        var results = new List<ScenarioResult>();
        foreach (var clients in settings.ClientLevels)
        {
            Say($"{clients} clients: {ScenarioRunner.Contended}...");
            results.Add(await runner.ContendedAsync(clients, ct));
            Say($"{clients} clients: {ScenarioRunner.OneLedger}...");
            results.Add(await runner.OneLedgerAsync(clients, ct));
            Say($"{clients} clients: {ScenarioRunner.Spread}...");
            results.Add(await runner.SpreadAsync(clients, ct));
            Say($"{clients} clients: {ScenarioRunner.ReleaseDay}...");
            results.Add(await runner.ReleaseDayAsync(clients, ct));
            Say($"{clients} clients: {ScenarioRunner.Baseline}...");
            results.Add(await runner.BaselineAsync(clients, ct));
        }
        if (settings.Burst > 0)
        {
            Say($"{settings.Burst} at once: {ScenarioRunner.BurstGrpc}...");
            results.Add(await runner.BurstAsync(settings.Burst, rest: false, ct));
            Say($"{settings.Burst} at once: {ScenarioRunner.BurstRest}...");
            results.Add(await runner.BurstAsync(settings.Burst, rest: true, ct));
        }

        var failed = results.Where(r => r.Failed).ToList();
        notes.Add(failed.Count == 0
            ? "Result: no errors, no overbooking."
            : $"Result: FAILED in {failed.Count} of {results.Count} rows: errors, overbooking, or bookings that could not be counted (see above).");
        ResultsTable.Print(settings, session.DataFolder, results, notes);
        return failed.Count == 0 ? 0 : 1;
    }
    catch (RpcException e) when (!ct.IsCancellationRequested)
    {
        // Nothing to measure without the set-up (tokens, patients, capacity): say which call failed and why.
        Console.Error.WriteLine("The benchmark could not be set up: " + Retry.Describe(e));
        return 1;
    }
    catch (InvalidOperationException e)
    {
        // A token refused, or a pool too small: the same, said by this process.
        Console.Error.WriteLine("The benchmark could not be set up: " + e.Message);
        return 1;
    }
}

static void AtLeast(Option<int> option, int least) => option.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < least)
    {
        result.AddError($"{option.Name} must be at least {least}.");
    }
});

static int[] ParseClientLevels(ArgumentResult result)
{
    var levels = new List<int>();
    foreach (var part in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
    {
        if (int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var level) && level >= 1)
        {
            levels.Add(level);
        }
        else
        {
            result.AddError($"--clients takes whole numbers of at least 1, e.g. 1,16,64 (not '{part}').");
        }
    }
    if (levels.Count == 0 && result.Tokens.Count > 0)
    {
        result.AddError("--clients needs at least one level, e.g. 1,16,64.");
    }
    return [.. levels];
}
