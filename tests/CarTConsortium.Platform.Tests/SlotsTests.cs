using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Testing;
using Grpc.Core;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>A platform whose slots service has the demo fair shares and wakes its housekeeping often.</summary>
public sealed class SlotsPlatformFixture : IAsyncLifetime
{
    public RunningPlatform Running { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Running = await RunningPlatform.StartAsync(configure: options => options with
    {
        AppSettings = new Dictionary<string, IReadOnlyDictionary<string, string?>>(options.AppSettings)
        {
            ["slots"] = new Dictionary<string, string?>
            {
                ["Slots:Fairness:Shares:KZ"] = "40",
                ["Slots:Fairness:Shares:UZ"] = "30",
                ["Slots:Fairness:Shares:KG"] = "20",
                ["Slots:Fairness:ReleaseDaysBeforeRun"] = "14",
                ["Slots:HousekeepingInterval"] = "00:00:02",
                ["Slots:InstitutionLimits:MaxActive"] = SiteLines.UnlimitedHolds["Slots:InstitutionLimits:MaxActive"],
                ["Slots:InstitutionLimits:MaxUnconfirmed"] = SiteLines.UnlimitedHolds["Slots:InstitutionLimits:MaxUnconfirmed"],
            },
        },
    });

    public async ValueTask DisposeAsync() => await Running.DisposeAsync();
}

/// <summary>
/// Slots' done-when, through the gateway with real tokens: a hospital books, confirms and
/// follows a booking to infusion with the site; fair shares and the waitlist decide, and
/// the service explains each decision.
/// </summary>
public sealed class SlotsTests(SlotsPlatformFixture fixture) : IClassFixture<SlotsPlatformFixture>
{
    private const string Product = "tisagenlecleucel";
    private const string Hospital = "kz-astana-childrens";
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private SlotsService.SlotsServiceClient As(DemoClient client) => new(fixture.Running.ChannelAs(client));

    [Fact]
    public async Task A_hospital_books_confirms_and_follows_a_booking_to_infusion_with_the_site()
    {
        var hospital = As(DemoClients.KzHospital);
        var site = As(DemoClients.KzSite);
        // Inside the 14-day release window: the month's fair shares (the next test's subject) have opened
        // to all, so what the demo runs and bookings hold in this calendar month cannot decide the outcome.
        var runDay = Today.AddDays(10);
        var run = await Eventually.SucceedsAsync(() => site.PublishCapacityAsync(Run("kz-ncb-astana", runDay, lines: 2)).ResponseAsync);
        var pseudonym = await EnrolAsync("SLOTSFLOW1", crossBorder: false);

        var requested = await MatrixFixture.UntilKnownAsync(() => hospital.RequestRunAsync(Request(pseudonym, "kz-ncb-astana", runDay)).ResponseAsync);

        var booking = requested.Booking;
        Assert.NotNull(booking);
        Assert.Equal((BookingStatus.Held, run.CapacityId, pseudonym), (booking.Status, booking.CapacityId, booking.Pseudonym));
        var chosen = Assert.Single(requested.Decisions);
        Assert.True(chosen.Fits);
        Assert.Contains(chosen.Reasons, r => r.Contains("is authorised in KZ by tisagenlecleucel.KZ.Reliance", StringComparison.Ordinal));

        booking = await Advance(hospital, booking, BookingStatus.Confirmed);
        var twice = await Assert.ThrowsAsync<RpcException>(() => Advance(hospital, booking, BookingStatus.Confirmed));
        Assert.Equal(StatusCode.FailedPrecondition, twice.StatusCode);
        var stale = await Assert.ThrowsAsync<RpcException>(() => hospital.AdvanceBookingAsync(new AdvanceBookingRequest
        {
            BookingId = booking.BookingId,
            To = BookingStatus.ApheresisShipped,
            ExpectedRevision = booking.Revision.Version - 1,
        }).ResponseAsync);
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        var notTheirs = await Assert.ThrowsAsync<RpcException>(() => Advance(site, booking, BookingStatus.ApheresisShipped));
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);

        booking = await Advance(hospital, booking, BookingStatus.ApheresisShipped);
        booking = await Advance(site, booking, BookingStatus.ApheresisReceived);
        booking = await Advance(site, booking, BookingStatus.InManufacturing);
        booking = await Advance(site, booking, BookingStatus.Released);
        booking = await Advance(site, booking, BookingStatus.Shipped);
        booking = await Advance(hospital, booking, BookingStatus.Infused);

        var followed = await hospital.GetBookingAsync(new GetBookingRequest { BookingId = booking.BookingId });
        Assert.Equal(
            [BookingStatus.Held, BookingStatus.Confirmed, BookingStatus.ApheresisShipped, BookingStatus.ApheresisReceived, BookingStatus.InManufacturing,
             BookingStatus.Released, BookingStatus.Shipped, BookingStatus.Infused],
            followed.Custody.Select(c => c.Status));
        Assert.Equal(
            [Hospital, Hospital, Hospital, "kz-ncb-astana", "kz-ncb-astana", "kz-ncb-astana", "kz-ncb-astana", Hospital],
            followed.Custody.Select(c => c.Org));
        Assert.All(followed.Custody, c => Assert.NotEmpty(c.Subject));
        // The pseudonym goes to the treating hospital and the site only.
        Assert.Equal(pseudonym, (await site.GetBookingAsync(new GetBookingRequest { BookingId = booking.BookingId })).Pseudonym);
        var seenByAdmin = await As(DemoClients.Admin).GetBookingAsync(new GetBookingRequest { BookingId = booking.BookingId });
        Assert.Equal(("", BookingStatus.Infused), (seenByAdmin.Pseudonym, seenByAdmin.Status));
        Assert.Contains((await hospital.ListBookingsAsync(new ListBookingsRequest())).Bookings, b => b.BookingId == booking.BookingId);
        Assert.Equal(1, (await site.GetCapacityAsync(new GetCapacityRequest { CapacityId = run.CapacityId })).Booked);
        var denied = await Assert.ThrowsAsync<RpcException>(() => As(DemoClients.KzOtherHospital).GetBookingAsync(new GetBookingRequest { BookingId = booking.BookingId }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Fact]
    public async Task A_full_run_puts_the_next_patient_on_the_waitlist_and_a_cancelled_place_is_offered_to_it_with_reasons()
    {
        var hospital = As(DemoClients.KzHospital);
        var site = As(DemoClients.KzSite);
        // Inside the release window, as above.
        var runDay = Today.AddDays(11);
        var run = await Eventually.SucceedsAsync(() => site.PublishCapacityAsync(Run("kz-ncb-astana", runDay, lines: 1)).ResponseAsync);
        var first = await EnrolAsync("SLOTSWAIT1", crossBorder: false);
        var second = await EnrolAsync("SLOTSWAIT2", crossBorder: false);
        var held = (await MatrixFixture.UntilKnownAsync(() => hospital.RequestRunAsync(Request(first, "kz-ncb-astana", runDay)).ResponseAsync)).Booking;

        var waiting = await MatrixFixture.UntilKnownAsync(() => hospital.RequestRunAsync(Request(second, "kz-ncb-astana", runDay)).ResponseAsync);

        Assert.NotNull(waiting.Waitlisted);
        var full = Assert.Single(waiting.Decisions);
        Assert.Equal((run.CapacityId, false), (full.CapacityId, full.Fits));
        Assert.Contains("all 1 line(s) are booked", full.Reasons);
        var explained = await hospital.ExplainAllocationAsync(new ExplainAllocationRequest { RequestId = waiting.RequestId, CapacityId = run.CapacityId });
        Assert.Equal((waiting.Waitlisted.EntryId, full), (explained.WaitlistEntryId, Assert.Single(explained.Decisions)));
        var list = await hospital.ListWaitlistAsync(new ListWaitlistRequest { ProductId = Product });
        var place = Assert.Single(list.Entries, e => e.Entry.EntryId == waiting.Waitlisted.EntryId);
        Assert.Equal(second, place.Entry.Pseudonym);
        Assert.NotEmpty(place.Explanation);
        // Another hospital sees the order and why, not whose entry it is.
        Assert.Equal("", Assert.Single((await As(DemoClients.KzOtherHospital).ListWaitlistAsync(new ListWaitlistRequest { ProductId = Product })).Entries,
            e => e.Entry.EntryId == waiting.Waitlisted.EntryId).Entry.Pseudonym);

        await Advance(hospital, held!, BookingStatus.Cancelled);

        var offered = await Eventually.SucceedsAsync(async () =>
            Assert.Single((await hospital.ListBookingsAsync(new ListBookingsRequest { CapacityId = run.CapacityId, Status = BookingStatus.Held })).Bookings,
                b => b.WaitlistEntryId == waiting.Waitlisted.EntryId));
        Assert.Equal(second, offered.Pseudonym);
        await Advance(hospital, offered, BookingStatus.Confirmed);
        var accepted = await hospital.ExplainAllocationAsync(new ExplainAllocationRequest { RequestId = waiting.RequestId });
        Assert.Equal(offered.BookingId, accepted.BookingId);
        Assert.Contains("Offered from the waitlist", accepted.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_country_keeps_its_guaranteed_share_of_a_site_until_the_release_day_and_the_service_says_so()
    {
        // Tashkent's cell lab, ten lines in a month of its own: KZ 4, UZ 3, KG 2 guaranteed, 1 for all.
        var site = As(DemoClients.UzSite);
        var hospital = As(DemoClients.KzHospital);
        var runDay = Today.AddDays(75);
        await SiteLines.RaiseAsync(new RegistryService.RegistryServiceClient(fixture.Running.ChannelAs(DemoClients.Admin)), "uz-tashkent-cell-lab", 10);
        var run = await Eventually.SucceedsAsync(() => site.PublishCapacityAsync(Run("uz-tashkent-cell-lab", runDay, lines: 10)).ResponseAsync);
        var outcomes = new List<RequestRunResponse>();
        for (var i = 0; i < 6; i++)
        {
            var pseudonym = await EnrolAsync($"SLOTSSHARE{i}", crossBorder: true);
            outcomes.Add(await MatrixFixture.UntilKnownAsync(() => hospital.RequestRunAsync(Request(pseudonym, "uz-tashkent-cell-lab", runDay, noWaitlist: true)).ResponseAsync));
        }

        Assert.All(outcomes.Take(5), o => Assert.NotNull(o.Booking));
        Assert.Contains(outcomes[0].Decisions[0].Reasons, r => r.StartsWith("within KZ's guaranteed share", StringComparison.Ordinal));
        Assert.Contains(outcomes[0].Decisions[0].Reasons, r => r.StartsWith("cross-border under agreement KZ-UZ", StringComparison.Ordinal));
        var refused = outcomes[5];
        Assert.Null(refused.Booking);
        var reason = Assert.Single(Assert.Single(refused.Decisions).Reasons);
        Assert.StartsWith("KZ has used its 4 guaranteed place(s)", reason, StringComparison.Ordinal);
        Assert.Contains("(KG 2, UZ 3)", reason, StringComparison.Ordinal);
        Assert.Contains(runDay.AddDays(-14).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), reason, StringComparison.Ordinal);
        var shares = await As(DemoClients.KgHospital).GetFairSharesAsync(new GetFairSharesRequest { SiteId = "uz-tashkent-cell-lab", Day = MatrixFixture.Day(runDay) });
        Assert.Equal((10, 5, 1, 14), (shares.Lines, shares.Booked, shares.Unreserved, shares.ReleaseDaysBeforeRun));
        Assert.Equal([("KG", 20, 2, 0), ("KZ", 40, 4, 5), ("UZ", 30, 3, 0)], shares.Shares.Select(s => (s.CountryCode, s.Percent, s.Guaranteed, s.Used)));
        Assert.Equal(run.CapacityId, (await As(DemoClients.Admin).ExplainAllocationAsync(new ExplainAllocationRequest { RequestId = refused.RequestId })).Decisions[0].CapacityId);
    }

    [Fact]
    public async Task Bad_requests_get_field_violations_and_change_nothing()
    {
        var hospital = As(DemoClients.KzHospital);
        var bad = await Assert.ThrowsAsync<RpcException>(() => hospital.RequestRunAsync(new RequestRunRequest
        {
            Pseudonym = "kz-not-a-pseudonym",
            ProductId = "Not A Slug",
            TreatingInstitutionId = Hospital,
            EarliestStart = MatrixFixture.Day(Today.AddDays(10)),
            LatestStart = MatrixFixture.Day(Today.AddDays(5)),
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        var violations = bad.GetRpcStatus()!.Details.Single(d => d.Is(Google.Rpc.BadRequest.Descriptor)).Unpack<Google.Rpc.BadRequest>().FieldViolations;
        Assert.Equal(["pseudonym", "product_id", "indication", "urgency", "latest_start"], violations.Select(v => v.Field));
    }

    private async Task<string> EnrolAsync(string nationalId, bool crossBorder)
    {
        var clinician = new RegistryService.RegistryServiceClient(fixture.Running.ChannelAs(DemoClients.KzClinician));
        var enrolment = MatrixFixture.Enrolment(nationalId + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant());
        enrolment.Consents.CrossBorderSharing = crossBorder;
        return (await clinician.EnrolPatientAsync(enrolment)).Pseudonym;
    }

    private static PublishCapacityRequest Run(string siteId, DateOnly day, int lines) => new()
    {
        SiteId = siteId,
        ProductId = Product,
        RunStart = MatrixFixture.Day(day),
        RunDays = 12,
        Lines = lines,
    };

    private static RequestRunRequest Request(string pseudonym, string siteId, DateOnly day, bool noWaitlist = false) => new()
    {
        Pseudonym = pseudonym,
        ProductId = Product,
        Indication = "r/r B-ALL",
        Urgency = UrgencyClass.Urgent,
        SiteId = siteId,
        EarliestStart = MatrixFixture.Day(day),
        LatestStart = MatrixFixture.Day(day),
        TreatingInstitutionId = Hospital,
        NoWaitlist = noWaitlist,
    };

    private static async Task<Booking> Advance(SlotsService.SlotsServiceClient client, Booking booking, BookingStatus to) =>
        await client.AdvanceBookingAsync(new AdvanceBookingRequest { BookingId = booking.BookingId, To = to, ExpectedRevision = booking.Revision.Version, Note = "platform test" });
}
