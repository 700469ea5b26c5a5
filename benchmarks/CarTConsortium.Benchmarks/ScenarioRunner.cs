using System.Net;
using System.Text;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.ServiceDefaults;
using Google.Protobuf;
using Grpc.Core;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// The scenarios. Each booking scenario publishes runs on days of its own, lets the clients
/// request them with fresh patients, then has the admin count what the runs hold.
/// </summary>
public sealed class ScenarioRunner(PlatformSession session, PatientPool patients, RunCalendar calendar, int requests)
{
    public const string Contended = "contended";
    public const string OneLedger = "uncontended, one ledger";
    public const string Spread = "uncontended, spread";
    public const string ReleaseDay = "release day";
    public const string Baseline = "no-op WhoAmI";
    public const string BurstGrpc = "burst, gRPC";
    public const string BurstRest = "burst, REST";

    /// <summary>Contended: 6 places in all, so nearly every request is refused and they all race for the same rows.</summary>
    public const int ContendedRuns = 2;
    public const int ContendedLines = 3;

    /// <summary>The most lines one run may offer.</summary>
    public const int MaxLines = 50;

    public const int RunDays = 21;
    public const int ApheresisDaysBeforeRun = 3;

    public const int WarmUpCalls = 20;
    public const int WarmUpBookings = 5;

    /// <summary>The scenarios measured at every client level that book, each with patients of its own.</summary>
    public const int BookingScenariosPerLevel = 4;

    // Slots learns the site and the product from the registry's events a moment after start-up.
    private static readonly TimeSpan PublishWithin = TimeSpan.FromSeconds(60);

    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private readonly SlotsService.SlotsServiceClient _hospital = session.Slots(Identities.Hospital);
    private readonly SlotsService.SlotsServiceClient _admin = session.Slots(Identities.Admin);
    private readonly RegistryService.RegistryServiceClient _registry = session.Registry(Identities.Admin);
    private readonly Dictionary<string, Task> _siteLines = [];

    /// <summary>Patients every scenario at every level needs, the two bursts and the warm-up included.</summary>
    public static int PatientsNeeded(int levels, int requests, int burst) => (levels * BookingScenariosPerLevel * requests) + (2 * burst) + WarmUpBookings;

    /// <summary>Enough runs of at most <see cref="MaxLines"/> lines for every request to get a place.</summary>
    public static (int Runs, int Lines) UncontendedLayout(int requests)
    {
        var runs = (requests + MaxLines - 1) / MaxLines;
        return (runs, (requests + runs - 1) / runs);
    }

    /// <summary>
    /// Spread: a ledger per client (a site's month; the sites in turn, then the next month), each with places for every call
    /// of its client (<see cref="Load"/>'s partitioned calls), so no two clients' bookings meet on one ledger.
    /// </summary>
    public static (int Ledgers, int Months, int Runs, int Lines) SpreadLayout(int clients, int requests, int sites)
    {
        var ledgers = Math.Min(clients, requests);
        var (runs, lines) = UncontendedLayout((requests + ledgers - 1) / ledgers);
        return (ledgers, (ledgers + sites - 1) / sites, runs, lines);
    }

    /// <summary>
    /// The release day: half as many places as requests (at least one), shared as evenly as can be among the sites and,
    /// at a site, among runs of at most <see cref="MaxLines"/> lines; every run in one month. Each site's runs, by lines.
    /// A site with no place gets no run.
    /// </summary>
    public static IReadOnlyList<int[]> ReleaseDayLayout(int requests, int sites)
    {
        var places = Math.Max(1, requests / 2);
        return [.. Enumerable.Range(0, sites)
            .Select(site => Share(places, sites, site))
            .Select(lines => Enumerable.Range(0, (lines + MaxLines - 1) / MaxLines).Select(run => Share(lines, (lines + MaxLines - 1) / MaxLines, run)).ToArray())];
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="total"/> split into <paramref name="parts"/> as evenly as can be, the larger parts first.</summary>
    public static int Share(int total, int parts, int part) => (total / parts) + (part < total % parts ? 1 : 0);

    /// <summary>Unmeasured calls on both paths first: connections, JIT, caches and SQLite pages warm.</summary>
    public async Task<string> WarmUpAsync(CancellationToken ct)
    {
        var whoAmI = await Load.RunAsync(1, WarmUpCalls, WhoAmIAsync, ct);
        var days = calendar.Reserve(1);
        var runs = await PublishAsync(0, days, WarmUpBookings, ct);
        var mine = patients.Take(WarmUpBookings);
        var requestRun = await Load.RunAsync(1, WarmUpBookings, (i, token) => RequestRunAsync(mine[i], days, Identities.SiteId, runs, token), ct);
        return $"{whoAmI.Requests} WhoAmI ({whoAmI.Summary()}), {requestRun.Requests} RequestRun ({requestRun.Summary()})";
    }

    public Task<ScenarioResult> ContendedAsync(int clients, CancellationToken ct) => BookAsync(Contended, clients, ContendedRuns, ContendedLines, ct);

    /// <summary>Every booking on one site's month: one ledger document, which every hold commits against.</summary>
    public Task<ScenarioResult> OneLedgerAsync(int clients, CancellationToken ct)
    {
        var (runs, lines) = UncontendedLayout(requests);
        return BookAsync(OneLedger, clients, runs, lines, ct);
    }

    /// <summary>As uncontended, but each client books on a ledger of its own: no two bookings in flight share a document.</summary>
    public async Task<ScenarioResult> SpreadAsync(int clients, CancellationToken ct)
    {
        var (ledgers, months, runCount, lines) = SpreadLayout(clients, requests, Identities.Sites.Count);
        var monthDays = calendar.ReserveInMonths(months, runCount);
        var plan = new List<(string SiteId, IReadOnlyList<DateOnly> Days)>();
        var runs = new List<string>();
        for (var ledger = 0; ledger < ledgers; ledger++)
        {
            var site = ledger % Identities.Sites.Count;
            var days = monthDays[ledger / Identities.Sites.Count];
            runs.AddRange(await PublishAsync(site, days, lines, ct));
            plan.Add((Identities.Sites[site].SiteId, days));
        }
        var mine = patients.Take(requests);
        var measurement = await Load.RunAsync(clients, requests,
            (i, token) => RequestRunAsync(mine[i], plan[i % clients].Days, plan[i % clients].SiteId, runs, token), ct, partitioned: true);
        return new ScenarioResult(clients, Spread, measurement, await CheckOverbookingAsync(runs, measurement.Count(OutcomeKind.Booked), ct));
    }

    /// <summary>
    /// Every site's runs of one month published, then every client let go at once (the barrier): twice as many requests as
    /// places, each for any site in that month, so they meet on the month's ledgers.
    /// </summary>
    public async Task<ScenarioResult> ReleaseDayAsync(int clients, CancellationToken ct)
    {
        var layout = ReleaseDayLayout(requests, Identities.Sites.Count);
        var days = calendar.ReserveInMonths(1, layout.Max(site => site.Length))[0];
        var runs = new List<string>();
        for (var site = 0; site < layout.Count; site++)
        {
            for (var run = 0; run < layout[site].Length; run++)
            {
                runs.AddRange(await PublishAsync(site, [days[run]], layout[site][run], ct));
            }
        }
        var mine = patients.Take(requests);
        var measurement = await Load.RunAsync(clients, requests, (i, token) => RequestRunAsync(mine[i], days, "", runs, token), ct);
        return new ScenarioResult(clients, ReleaseDay, measurement, await CheckOverbookingAsync(runs, measurement.Count(OutcomeKind.Booked), ct));
    }

    /// <summary>
    /// <paramref name="size"/> clients, one request each, all let go at once, over gRPC or the gateway's REST transcoding;
    /// a place for every request at one site, as uncontended.
    /// </summary>
    public async Task<ScenarioResult> BurstAsync(int size, bool rest, CancellationToken ct)
    {
        var (runCount, lines) = UncontendedLayout(size);
        var days = calendar.Reserve(runCount);
        var runs = await PublishAsync(0, days, lines, ct);
        var mine = patients.Take(size);
        using var http = rest ? await session.RestAsync(Identities.Hospital) : null;
        var measurement = await Load.RunAsync(size, size, (i, token) => http is null
            ? RequestRunAsync(mine[i], days, Identities.SiteId, runs, token)
            : RequestRunRestAsync(http, mine[i], days, runs, token), ct);
        return new ScenarioResult(size, rest ? BurstRest : BurstGrpc, measurement, await CheckOverbookingAsync(runs, measurement.Count(OutcomeKind.Booked), ct));
    }

    /// <summary>The same gateway, token and service, but a call that reads and writes nothing.</summary>
    public async Task<ScenarioResult> BaselineAsync(int clients, CancellationToken ct) =>
        new(clients, Baseline, await Load.RunAsync(clients, requests, WhoAmIAsync, ct), Check: null);

    private async Task<ScenarioResult> BookAsync(string scenario, int clients, int runCount, int lines, CancellationToken ct)
    {
        var days = calendar.Reserve(runCount);
        var runs = await PublishAsync(0, days, lines, ct);
        var mine = patients.Take(requests);
        var measurement = await Load.RunAsync(clients, requests, (i, token) => RequestRunAsync(mine[i], days, Identities.SiteId, runs, token), ct);
        return new ScenarioResult(clients, scenario, measurement, await CheckOverbookingAsync(runs, measurement.Count(OutcomeKind.Booked), ct));
    }

    private async Task<Outcome> WhoAmIAsync(int _, CancellationToken ct)
    {
        await _hospital.WhoAmIAsync(new WhoAmIRequest(), cancellationToken: ct);
        return Outcome.Answered;
    }

    private async Task<Outcome> RequestRunAsync(string pseudonym, IReadOnlyList<DateOnly> days, string siteId, IReadOnlyList<string> runs, CancellationToken ct) =>
        OutcomeOf(await _hospital.RequestRunAsync(RunRequests.For(pseudonym, days, siteId), cancellationToken: ct), runs);

    /// <summary>The same request as JSON through the gateway's REST transcoding (POST /v1/slots/requests).</summary>
    private static async Task<Outcome> RequestRunRestAsync(HttpClient http, string pseudonym, IReadOnlyList<DateOnly> days, IReadOnlyList<string> runs,
        CancellationToken ct)
    {
        using var body = new StringContent(JsonFormatter.Default.Format(RunRequests.For(pseudonym, days)), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("v1/slots/requests", UriKind.Relative), body, ct);
        if (response.StatusCode == HttpStatusCode.RequestTimeout)
        {
            return Outcome.Failed(Measurement.RequestTimeout);
        }
        if (!response.IsSuccessStatusCode)
        {
            return Outcome.Failed($"HTTP {(int)response.StatusCode}");
        }
        return OutcomeOf(Json.Parse<RequestRunResponse>(await response.Content.ReadAsStringAsync(ct)), runs);
    }

    private static Outcome OutcomeOf(RequestRunResponse answer, IReadOnlyList<string> runs) => answer.OutcomeCase switch
    {
        RequestRunResponse.OutcomeOneofCase.Booking when runs.Contains(answer.Booking.CapacityId) => Outcome.Booked,
        RequestRunResponse.OutcomeOneofCase.Booking => Outcome.Failed("booked outside the requested days"),
        RequestRunResponse.OutcomeOneofCase.Waitlisted => Outcome.Failed("waitlisted despite no_waitlist"),
        _ => Outcome.Refused,
    };

    /// <summary>One run a day, as the site (<see cref="Identities.Sites"/>, by index); retried while slots has not yet learned the site or the product.</summary>
    private async Task<IReadOnlyList<string>> PublishAsync(int site, IReadOnlyList<DateOnly> days, int lines, CancellationToken ct)
    {
        var (siteId, publisher) = Identities.Sites[site];
        // Slots bounds a run by the site's production lines in the registry: each site gets the most a run may offer, once
        // (a site the benchmark adds is registered with them).
        if (!_siteLines.TryGetValue(siteId, out var raised))
        {
            _siteLines[siteId] = raised = BenchmarkSites.EnsureLinesAsync(_registry, siteId, MaxLines, ct);
        }
        await raised;
        var client = session.Slots(publisher);
        var runs = new List<string>();
        foreach (var day in days)
        {
            var request = new PublishCapacityRequest
            {
                SiteId = siteId,
                ProductId = Identities.ProductId,
                RunStart = day.ToContractDate(),
                RunDays = RunDays,
                Lines = lines,
                ApheresisCutoff = day.AddDays(-ApheresisDaysBeforeRun).ToContractDate(),
            };
            var run = await Retry.WhileAsync(token => client.PublishCapacityAsync(request, cancellationToken: token).ResponseAsync,
                [StatusCode.NotFound, StatusCode.FailedPrecondition], PublishWithin, ct);
            runs.Add(run.CapacityId);
        }
        return runs;
    }

    /// <summary>
    /// As the admin: each run's active bookings (held to shipped) and its own booked count
    /// against its lines. A hold may lapse meanwhile, which frees a place but never adds one.
    /// Then the hospital cancels them: slots bounds the holds one institution may have at once
    /// (at most 1,000), and a run books more than that for the one hospital.
    /// </summary>
    private async Task<OverbookingCheck> CheckOverbookingAsync(IReadOnlyList<string> runs, int bookedByRequests, CancellationToken ct)
    {
        var holding = new List<Booking>();
        OverbookingCheck check;
        try
        {
            var overbooked = 0;
            var findings = new List<string>();
            foreach (var capacityId in runs)
            {
                var run = await _admin.GetCapacityAsync(new GetCapacityRequest { CapacityId = capacityId }, cancellationToken: ct);
                var bookings = await ActiveBookingsAsync(capacityId, ct);
                holding.AddRange(bookings);
                var over = Math.Max(0, Math.Max(bookings.Count, run.Booked) - run.Lines);
                overbooked += over;
                if (over > 0 || bookings.Count != run.Booked)
                {
                    findings.Add($"run of {DateOnly.FromDateTime(run.RunStart.ToDateTime()):yyyy-MM-dd}: {bookings.Count} active bookings listed, booked = {run.Booked}, lines = {run.Lines}");
                }
            }
            if (holding.Count != bookedByRequests)
            {
                findings.Add($"{bookedByRequests} requests got a booking, {holding.Count} bookings are active now");
            }
            check = new OverbookingCheck(overbooked, findings);
        }
        catch (RpcException e)
        {
            check = new OverbookingCheck(null, ["could not count the bookings: " + Retry.Describe(e)]);
        }
        // A cancellation refused stops the benchmark (set-up failed): later scenarios would meet the hold limit and be refused.
        await Parallel.ForEachAsync(holding, new ParallelOptions { MaxDegreeOfParallelism = PatientPool.EnrolConcurrency, CancellationToken = ct },
            async (booking, token) => await _hospital.AdvanceBookingAsync(new AdvanceBookingRequest
            {
                BookingId = booking.BookingId,
                To = BookingStatus.Cancelled,
                ExpectedRevision = booking.Revision.Version,
                Note = "benchmark scenario over",
            }, cancellationToken: token));
        return check;
    }

    private async Task<List<Booking>> ActiveBookingsAsync(string capacityId, CancellationToken ct)
    {
        var bookings = await Paging.AllAsync(async page =>
        {
            var answer = await _admin.ListBookingsAsync(new ListBookingsRequest { CapacityId = capacityId, Page = page }, cancellationToken: ct);
            return (answer.Bookings.AsEnumerable(), answer.NextPageToken);
        });
        return [.. bookings.Where(b => b.Status is >= BookingStatus.Held and <= BookingStatus.Shipped)];
    }
}
