using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.Testing;
using Grpc.Core;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// The scenarios. Each booking scenario publishes runs on days of its own, lets the clients
/// request them with fresh patients, then has the admin count what the runs hold.
/// </summary>
public sealed class ScenarioRunner(PlatformSession session, PatientPool patients, RunCalendar calendar, int requests)
{
    public const string Contended = "contended";
    public const string Uncontended = "uncontended";
    public const string Baseline = "no-op WhoAmI";

    /// <summary>Contended: 6 places in all, so nearly every request is refused and they all race for the same rows.</summary>
    public const int ContendedRuns = 2;
    public const int ContendedLines = 3;

    /// <summary>The most lines one run may offer.</summary>
    public const int MaxLines = 50;

    public const int RunDays = 21;
    public const int ApheresisDaysBeforeRun = 3;

    public const int WarmUpCalls = 20;
    public const int WarmUpBookings = 5;

    // Slots learns the site and the product from the registry's events a moment after start-up.
    private static readonly TimeSpan PublishWithin = TimeSpan.FromSeconds(60);

    private readonly SlotsService.SlotsServiceClient _hospital = session.Slots(Identities.Hospital);
    private readonly SlotsService.SlotsServiceClient _site = session.Slots(Identities.Site);
    private readonly SlotsService.SlotsServiceClient _admin = session.Slots(Identities.Admin);
    private readonly RegistryService.RegistryServiceClient _registry = session.Registry(Identities.Admin);
    private Task? _siteLines;

    /// <summary>Patients every scenario at every level needs, warm-up included.</summary>
    public static int PatientsNeeded(int levels, int requests) => (levels * 2 * requests) + WarmUpBookings;

    /// <summary>Enough runs of at most <see cref="MaxLines"/> lines for every request to get a place.</summary>
    public static (int Runs, int Lines) UncontendedLayout(int requests)
    {
        var runs = (requests + MaxLines - 1) / MaxLines;
        return (runs, (requests + runs - 1) / runs);
    }

    /// <summary>Unmeasured calls on both paths first: connections, JIT, caches and SQLite pages warm.</summary>
    public async Task<string> WarmUpAsync(CancellationToken ct)
    {
        var whoAmI = await Load.RunAsync(1, WarmUpCalls, WhoAmIAsync, ct);
        var days = calendar.Reserve(1);
        var runs = await PublishAsync(days, WarmUpBookings, ct);
        var mine = patients.Take(WarmUpBookings);
        var requestRun = await Load.RunAsync(1, WarmUpBookings, (i, token) => RequestRunAsync(mine[i], days, runs, token), ct);
        return $"{whoAmI.Requests} WhoAmI ({whoAmI.Summary()}), {requestRun.Requests} RequestRun ({requestRun.Summary()})";
    }

    public Task<ScenarioResult> ContendedAsync(int clients, CancellationToken ct) => BookAsync(Contended, clients, ContendedRuns, ContendedLines, ct);

    public Task<ScenarioResult> UncontendedAsync(int clients, CancellationToken ct)
    {
        var (runs, lines) = UncontendedLayout(requests);
        return BookAsync(Uncontended, clients, runs, lines, ct);
    }

    /// <summary>The same gateway, token and service, but a call that reads and writes nothing.</summary>
    public async Task<ScenarioResult> BaselineAsync(int clients, CancellationToken ct) =>
        new(clients, Baseline, await Load.RunAsync(clients, requests, WhoAmIAsync, ct), Check: null);

    private async Task<ScenarioResult> BookAsync(string scenario, int clients, int runCount, int lines, CancellationToken ct)
    {
        var days = calendar.Reserve(runCount);
        var runs = await PublishAsync(days, lines, ct);
        var mine = patients.Take(requests);
        var measurement = await Load.RunAsync(clients, requests, (i, token) => RequestRunAsync(mine[i], days, runs, token), ct);
        return new ScenarioResult(clients, scenario, measurement, await CheckOverbookingAsync(runs, measurement.Count(OutcomeKind.Booked), ct));
    }

    private async Task<Outcome> WhoAmIAsync(int _, CancellationToken ct)
    {
        await _hospital.WhoAmIAsync(new WhoAmIRequest(), cancellationToken: ct);
        return Outcome.Answered;
    }

    private async Task<Outcome> RequestRunAsync(string pseudonym, IReadOnlyList<DateOnly> days, IReadOnlyList<string> runs, CancellationToken ct)
    {
        var answer = await _hospital.RequestRunAsync(RunRequests.For(pseudonym, days), cancellationToken: ct);
        return answer.OutcomeCase switch
        {
            RequestRunResponse.OutcomeOneofCase.Booking when runs.Contains(answer.Booking.CapacityId) => Outcome.Booked,
            RequestRunResponse.OutcomeOneofCase.Booking => Outcome.Failed("booked outside the requested days"),
            RequestRunResponse.OutcomeOneofCase.Waitlisted => Outcome.Failed("waitlisted despite no_waitlist"),
            _ => Outcome.Refused,
        };
    }

    /// <summary>One run a day, as the site; retried while slots has not yet learned the site or the product.</summary>
    private async Task<IReadOnlyList<string>> PublishAsync(IReadOnlyList<DateOnly> days, int lines, CancellationToken ct)
    {
        // Slots bounds a run by the site's production lines in the registry: the site gets the most a run may offer, once.
        await (_siteLines ??= SiteLines.RaiseAsync(_registry, Identities.SiteId, MaxLines, ct));
        var runs = new List<string>();
        foreach (var day in days)
        {
            var request = new PublishCapacityRequest
            {
                SiteId = Identities.SiteId,
                ProductId = Identities.ProductId,
                RunStart = day.ToContractDate(),
                RunDays = RunDays,
                Lines = lines,
                ApheresisCutoff = day.AddDays(-ApheresisDaysBeforeRun).ToContractDate(),
            };
            var run = await Retry.WhileAsync(token => _site.PublishCapacityAsync(request, cancellationToken: token).ResponseAsync,
                [StatusCode.NotFound, StatusCode.FailedPrecondition], PublishWithin, ct);
            runs.Add(run.CapacityId);
        }
        return runs;
    }

    /// <summary>
    /// As the admin: each run's active bookings (held to shipped) and its own booked count
    /// against its lines. A hold may lapse meanwhile, which frees a place but never adds one.
    /// </summary>
    private async Task<OverbookingCheck> CheckOverbookingAsync(IReadOnlyList<string> runs, int bookedByRequests, CancellationToken ct)
    {
        try
        {
            var overbooked = 0;
            var active = 0;
            var findings = new List<string>();
            foreach (var capacityId in runs)
            {
                var run = await _admin.GetCapacityAsync(new GetCapacityRequest { CapacityId = capacityId }, cancellationToken: ct);
                var holding = await ActiveBookingsAsync(capacityId, ct);
                active += holding;
                var over = Math.Max(0, Math.Max(holding, run.Booked) - run.Lines);
                overbooked += over;
                if (over > 0 || holding != run.Booked)
                {
                    findings.Add($"run of {DateOnly.FromDateTime(run.RunStart.ToDateTime()):yyyy-MM-dd}: {holding} active bookings listed, booked = {run.Booked}, lines = {run.Lines}");
                }
            }
            if (active != bookedByRequests)
            {
                findings.Add($"{bookedByRequests} requests got a booking, {active} bookings are active now");
            }
            return new OverbookingCheck(overbooked, findings);
        }
        catch (RpcException e)
        {
            return new OverbookingCheck(null, ["could not count the bookings: " + Retry.Describe(e)]);
        }
    }

    private async Task<int> ActiveBookingsAsync(string capacityId, CancellationToken ct)
    {
        var bookings = await Paging.AllAsync(async page =>
        {
            var answer = await _admin.ListBookingsAsync(new ListBookingsRequest { CapacityId = capacityId, Page = page }, cancellationToken: ct);
            return (answer.Bookings.AsEnumerable(), answer.NextPageToken);
        });
        return bookings.Count(b => b.Status is >= BookingStatus.Held and <= BookingStatus.Shipped);
    }
}
