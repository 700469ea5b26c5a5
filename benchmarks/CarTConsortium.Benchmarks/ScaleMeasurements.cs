using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Testing;
using Grpc.Core;

namespace CarTConsortium.Benchmarks;

/// <summary>What one size's measurements came to, each a <see cref="Measurement"/> of its calls.</summary>
public sealed record ScaleReads(Measurement Statistics, Measurement StatisticsByCountry, Measurement PatientsFirst, Measurement PatientsTenth,
    Measurement BookingsFirst, Measurement BookingsTenth)
{
    public IEnumerable<(string Name, Measurement Measurement)> All =>
    [
        ("GetStatistics", Statistics), ("GetStatistics by country", StatisticsByCountry), ("ListPatients page 1", PatientsFirst),
        ("ListPatients page 10", PatientsTenth), ("ListBookings page 1", BookingsFirst), ("ListBookings page 10", BookingsTenth),
    ];
}

/// <summary>
/// The scale benchmark's calls, all through the gateway's gRPC endpoint with real tokens: statistics as the
/// consortium admin, the Astana hub's patients as its clinician and its bookings as its coordinator (first page,
/// and the tenth found by following page tokens), and RequestRun for fresh patients of the hub.
/// </summary>
public sealed class ScaleMeasurements(PlatformSession session, int samples)
{
    private const int WarmUp = 5;
    private const int TenthPage = 10;

    /// <summary>The lists' default page size (consortium.common.v1.PageRequest), which the measured calls use.</summary>
    private const int PageSize = 50;

    /// <summary>Items a list needs for a tenth page.</summary>
    public const int TenthPageNeeds = ((TenthPage - 1) * PageSize) + 1;

    // Slots learns the site's raised lines and the demo product from the registry's events a moment after start.
    private static readonly TimeSpan PublishWithin = TimeSpan.FromSeconds(60);

    /// <summary>RequestRun calls the benchmark makes: warm-up, then <c>samples</c> with 1 client and again with 64.</summary>
    public static int RequestsNeeded(int samples) => WarmUp + (2 * samples);

    /// <summary>Waits until the registry answers statistics (FAILED_PRECONDITION while its tallies are built), for up to <paramref name="limit"/>.</summary>
    public async Task WaitForStatisticsAsync(TimeSpan limit, CancellationToken ct) =>
        await Retry.WhileAsync(token => Statistics(false, token), [StatusCode.FailedPrecondition, StatusCode.Unavailable], limit, ct);

    public async Task<ScaleReads> ReadsAsync(CancellationToken ct)
    {
        var statistics = await MeasureAsync(token => Statistics(false, token), ct);
        var byCountry = await MeasureAsync(token => Statistics(true, token), ct);
        var patientsTenth = await PageTokenAsync((token, page) => Patients(page, token), ct);
        var patientsFirst = await MeasureAsync(token => Patients("", token), ct);
        var patientsTenthPage = await MeasureAsync(token => Patients(patientsTenth, token), ct);
        var bookingsTenth = await PageTokenAsync((token, page) => Bookings(page, token), ct);
        var bookingsFirst = await MeasureAsync(token => Bookings("", token), ct);
        var bookingsTenthPage = await MeasureAsync(token => Bookings(bookingsTenth, token), ct);
        return new ScaleReads(statistics, byCountry, patientsFirst, patientsTenthPage, bookingsFirst, bookingsTenthPage);
    }

    /// <summary>
    /// RequestRun for the fresh patients (each once), on runs of 50 lines the site publishes after every seeded run,
    /// with 1 client and then 64; a call that books nothing, or books outside those runs, is an error.
    /// </summary>
    public async Task<(Measurement One, Measurement Many)> RequestRunAsync(IReadOnlyList<string> fresh, DateOnly after, CancellationToken ct)
    {
        await SiteLines.RaiseAsync(session.Registry(Identities.Admin), Identities.SiteId, ManufacturingRun.MaxLines, ct);
        var days = Enumerable.Range(1, (fresh.Count + ManufacturingRun.MaxLines - 1) / ManufacturingRun.MaxLines).Select(after.AddDays).ToList();
        var site = session.Slots(Identities.Site);
        var runs = new HashSet<string>();
        foreach (var day in days)
        {
            var request = new PublishCapacityRequest
            {
                SiteId = Identities.SiteId,
                ProductId = Identities.ProductId,
                RunStart = day.ToContractDate(),
                RunDays = SlotsSeed.RunDays,
                Lines = ManufacturingRun.MaxLines,
            };
            var run = await Retry.WhileAsync(token => site.PublishCapacityAsync(request, cancellationToken: token).ResponseAsync,
                [StatusCode.NotFound, StatusCode.FailedPrecondition], PublishWithin, ct);
            runs.Add(run.CapacityId);
        }
        var hospital = session.Slots(Identities.Hospital);
        var next = 0;
        async Task<Outcome> Request(CancellationToken token)
        {
            var pseudonym = fresh[Interlocked.Increment(ref next) - 1];
            RequestRunResponse answer;
            try
            {
                answer = await hospital.RequestRunAsync(RunRequests.For(pseudonym, days), cancellationToken: token);
            }
            catch (RpcException e) when (!token.IsCancellationRequested)
            {
                // With the service's message: a refusal says which rule, a transport failure says what broke.
                return Outcome.Failed(Retry.Describe(e));
            }
            return answer.OutcomeCase != RequestRunResponse.OutcomeOneofCase.Booking ? Outcome.Failed("no run booked")
                : runs.Contains(answer.Booking.CapacityId) ? Outcome.Booked
                : Outcome.Failed("booked outside the measured runs");
        }
        await Load.RunAsync(1, WarmUp, (_, token) => Request(token), ct);
        var one = await Load.RunAsync(1, samples, (_, token) => Request(token), ct);
        var many = await Load.RunAsync(64, samples, (_, token) => Request(token), ct);
        return (one, many);
    }

    private async Task<Outcome> Statistics(bool byCountry, CancellationToken ct)
    {
        var request = new GetStatisticsRequest();
        if (byCountry)
        {
            request.GroupBy.Add(StatisticsDimension.Country);
        }
        await session.Registry(Identities.Admin).GetStatisticsAsync(request, cancellationToken: ct);
        return Outcome.Answered;
    }

    private async Task<string> Patients(string pageToken, CancellationToken ct) =>
        (await session.Registry(Identities.Clinician).ListPatientsAsync(new ListPatientsRequest
        {
            Page = new PageRequest { PageToken = pageToken },
            Purpose = AccessPurpose.Treatment,
            TreatingInstitutionId = Identities.HospitalId,
        }, cancellationToken: ct)).NextPageToken;

    private async Task<string> Bookings(string pageToken, CancellationToken ct) =>
        (await session.Slots(Identities.Hospital).ListBookingsAsync(new ListBookingsRequest
        {
            Page = new PageRequest { PageToken = pageToken },
            TreatingInstitutionId = Identities.HospitalId,
        }, cancellationToken: ct)).NextPageToken;

    /// <summary>The token of the tenth page, by following nine pages' tokens (not measured).</summary>
    private static async Task<string> PageTokenAsync(Func<CancellationToken, string, Task<string>> page, CancellationToken ct)
    {
        var token = "";
        for (var i = 1; i < TenthPage; i++)
        {
            token = await page(ct, token);
            if (token.Length == 0)
            {
                throw new InvalidOperationException($"The list has fewer than {TenthPage} pages: seed more patients or bookings.");
            }
        }
        return token;
    }

    private async Task<Measurement> MeasureAsync(Func<CancellationToken, Task<Outcome>> call, CancellationToken ct)
    {
        await Load.RunAsync(1, WarmUp, (_, token) => call(token), ct);
        return await Load.RunAsync(1, samples, (_, token) => call(token), ct);
    }

    private Task<Measurement> MeasureAsync(Func<CancellationToken, Task<string>> call, CancellationToken ct) =>
        MeasureAsync(async token =>
        {
            await call(token);
            return Outcome.Answered;
        }, ct);
}
