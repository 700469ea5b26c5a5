using System.Security.Claims;
using Bunit;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Portal.Components.Coordinator;
using CarTConsortium.Portal.Components.Shared;
using CarTConsortium.Portal.Components.Site;
using CarTConsortium.Portal.Errors;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The manufacturing site's pages: the capacity calendar and its forms, the bookings at the site, the month's fair shares.</summary>
public sealed class SitePageTests : PortalComponentTest
{
    private const string Site = "kz-ncb-astana";
    private const string Product = "ncb-cd19-academic";

    private IStringLocalizer<SiteResource> Text => Services.GetRequiredService<IStringLocalizer<SiteResource>>();

    [Fact]
    public void The_calendar_groups_the_sites_runs_by_iso_week_with_lines_booked_free_and_cut_off_and_marks_closed_runs()
    {
        SignInAsSite();
        ScriptProducts();
        Gateway.On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse
        {
            Capacity =
            {
                Run("c-3", new DateOnly(2026, 12, 21), lines: 1, booked: 0),
                Run("c-1", new DateOnly(2026, 12, 14), lines: 3, booked: 1, cutoff: new DateOnly(2026, 12, 10)),
                Run("c-2", new DateOnly(2026, 12, 18), lines: 2, booked: 0, status: CapacityStatus.Closed),
                Run("c-0", new DateOnly(2026, 11, 30), lines: 1, booked: 1),
            },
        });

        var page = Render<RunsPage>();

        page.WaitForElement("[data-testid=calendar]");
        Assert.Equal(["2026-W51", "2026-W52"], page.FindAll("[data-testid=calendar] tbody").Select(b => b.GetAttribute("data-week")));
        var week51 = page.Find("tbody[data-week='2026-W51']");
        Assert.Contains("2026-12-14", week51.QuerySelector("tr.site-week th")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-12-20", week51.QuerySelector("tr.site-week th")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["c-1", "c-2"], week51.QuerySelectorAll("tr[data-run]").Select(r => r.GetAttribute("data-run")));
        var open = page.Find("tr[data-run=c-1]");
        Assert.Equal(("3", "1", "2", "2026-12-10"), (Figure(open, "lines"), Figure(open, "booked"), Figure(open, "free"), Figure(open, "cutoff")));
        Assert.Contains("CAR-T NCB", open.TextContent, StringComparison.Ordinal);
        Assert.NotNull(open.QuerySelector("[data-testid=close]"));
        var closed = page.Find("tr[data-run=c-2]");
        Assert.Equal("closed", closed.GetAttribute("data-status"));
        Assert.Equal(Text["Run_Closed"].Value, closed.QuerySelector("[data-testid=run-state]")!.TextContent);
        Assert.Equal("0", Figure(closed, "free"));
        Assert.NotNull(closed.QuerySelector("[data-testid=reopen]"));
        Assert.Equal(Site, Gateway.Requests<ListCapacityRequest>("ListCapacity").First().SiteId);

        // Weeks gone by are left out until asked for.
        page.Find("#show-past").Change(true);
        Assert.Equal(["2026-W49", "2026-W51", "2026-W52"], page.FindAll("[data-testid=calendar] tbody").Select(b => b.GetAttribute("data-week")));
        AssertEveryInputLabelled(page);
    }

    [Fact]
    public void The_publish_form_sends_what_was_typed_as_utc_days_for_the_sites_own_site()
    {
        // Late evening in UTC: east of Greenwich it is tomorrow already, but the services count UTC days.
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 7, 23, 30, 0, TimeSpan.Zero));
        PublishCapacityRequest? sent = null;
        var form = Render<PublishRunForm>(p => p
            .Add(f => f.SiteId, Site)
            .Add(f => f.Products, [new Choice(Product, "CAR-T NCB")])
            .Add(f => f.OnSubmit, (PublishCapacityRequest r) => sent = r));

        Assert.Equal("2026-12-07", form.Find("#publish-start").GetAttribute("min"));
        Assert.Contains("2026-12-07", form.Find("#publish-utc-help").TextContent, StringComparison.Ordinal);
        form.Find("#publish-product").Change(Product);
        form.Find("#publish-start").Change("2026-12-21");
        form.Find("#publish-days").Change("12");
        form.Find("#publish-lines").Change("3");
        form.Find("#publish-cutoff").Change("2026-12-18");
        form.Find("form").Submit();

        Assert.Equal((Site, Product, 12, 3), (sent!.SiteId, sent.ProductId, sent.RunDays, sent.Lines));
        Assert.Equal((2026, 12, 21), (sent.RunStart.Year, sent.RunStart.Month, sent.RunStart.Day));
        Assert.Equal((2026, 12, 18), (sent.ApheresisCutoff.Year, sent.ApheresisCutoff.Month, sent.ApheresisCutoff.Day));

        // A cut-off left empty is sent empty: the API takes the day before the run.
        form.Find("#publish-cutoff").Change("");
        form.Find("form").Submit();
        Assert.Null(sent.ApheresisCutoff);
    }

    [Fact]
    public async Task A_published_run_appears_in_the_calendar()
    {
        SignInAsSite();
        ScriptProducts();
        Gateway.On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse())
            .On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse { Capacity = { Run("c-9", new DateOnly(2026, 12, 21), lines: 2, booked: 0) } });
        Gateway.On<PublishCapacityRequest, Capacity>("PublishCapacity", r => Run("c-9", new DateOnly(2026, 12, 21), lines: r.Lines, booked: 0));
        var page = Render<RunsPage>();
        page.WaitForElement("#publish-product option[value='" + Product + "']");

        page.Find("#publish-product").Change(Product);
        page.Find("#publish-start").Change("2026-12-21");
        page.Find("#publish-lines").Change("2");
        await page.Find("form.publish-run").SubmitAsync();

        page.WaitForElement("tr[data-run=c-9]");
        Assert.Equal(2, Gateway.Requests<PublishCapacityRequest>("PublishCapacity").Single().Lines);
        Assert.Contains("2026-12-21", page.Find("[data-testid=run-status]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", page.Find("#publish-lines").GetAttribute("value")); // The form starts afresh for the next run.
    }

    [Fact]
    public void Field_violations_appear_next_to_their_inputs_and_every_input_is_labelled()
    {
        var error = PortalError.From(Errors.BadRequest(("run_start", "must not be before today (2026-12-07)"), ("lines", "must be 1 to 50 lines"), ("site_id", "is not a site")));

        var form = Render<PublishRunForm>(p => p.Add(f => f.SiteId, Site).Add(f => f.Error, error));
        var banner = Render<ErrorBanner>(p => p.Add(b => b.Error, error).Add(b => b.ExtraFields, PublishRunForm.Fields));

        Assert.Contains("must not be before today", form.Find("#publish-start-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("publish-start-error", form.Find("#publish-start").GetAttribute("aria-describedby"), StringComparison.Ordinal);
        Assert.Contains("must be 1 to 50 lines", form.Find("#publish-lines-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("site_id: is not a site", banner.Markup, StringComparison.Ordinal);
        AssertEveryInputLabelled(form);
    }

    [Fact]
    public async Task Closing_sends_the_revision_read_and_a_lost_race_reloads_the_run_and_says_what_changed()
    {
        SignInAsSite();
        ScriptProducts();
        Gateway.On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse { Capacity = { Run("c-1", new DateOnly(2026, 12, 14), lines: 2, booked: 0, revision: 3) } })
            .On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse { Capacity = { Run("c-1", new DateOnly(2026, 12, 14), lines: 2, booked: 1, revision: 4) } });
        Gateway.On<CloseCapacityRequest, Capacity>("CloseCapacity", _ => throw new RpcException(new Status(StatusCode.Aborted, "stale")));
        var page = Render<RunsPage>();
        page.WaitForElement("tr[data-run=c-1] [data-testid=close]");

        page.Find("tr[data-run=c-1] [data-testid=close]").Click();
        AssertEveryInputLabelled(page);
        page.Find("#close-reason").Change("line maintenance");
        await page.Find("form.close-run").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal(nameof(PortalErrorKind.Changed), page.Find("[data-testid=error]").GetAttribute("data-kind")));
        var sent = Gateway.Requests<CloseCapacityRequest>("CloseCapacity").Single();
        Assert.Equal(("c-1", 3L, "line maintenance"), (sent.CapacityId, sent.ExpectedRevision, sent.Reason));
        Assert.Contains("1 of 2 lines booked", page.Find("[data-testid=error-note]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", Figure(page.Find("tr[data-run=c-1]"), "booked"));
        Assert.Empty(page.FindAll("form.close-run")); // Closed again, to be decided on what the run is now.
    }

    [Fact]
    public async Task Reopening_sends_the_revision_read()
    {
        SignInAsSite();
        ScriptProducts();
        Gateway.On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse { Capacity = { Run("c-2", new DateOnly(2026, 12, 18), 2, 0, status: CapacityStatus.Closed, revision: 5) } })
            .On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse { Capacity = { Run("c-2", new DateOnly(2026, 12, 18), 2, 0, revision: 6) } });
        Gateway.On<ReopenCapacityRequest, Capacity>("ReopenCapacity", _ => Run("c-2", new DateOnly(2026, 12, 18), 2, 0, revision: 6));
        var page = Render<RunsPage>();

        await page.WaitForElement("tr[data-run=c-2] [data-testid=reopen]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("open", page.Find("tr[data-run=c-2]").GetAttribute("data-status")));
        Assert.Equal(("c-2", 5L), Gateway.Requests<ReopenCapacityRequest>("ReopenCapacity").Select(r => (r.CapacityId, r.ExpectedRevision)).Single());
    }

    [Fact]
    public async Task Each_booking_offers_only_the_sites_next_steps_and_advancing_sends_the_step_and_the_revision_read()
    {
        SignInAsSite();
        ScriptProducts();
        Gateway.On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse());
        Gateway.On<ListBookingsRequest, ListBookingsResponse>("ListBookings", _ => new ListBookingsResponse
        {
            Bookings =
            {
                Booking("b-shipped", BookingStatus.ApheresisShipped, revision: 7),
                Booking("b-making", BookingStatus.InManufacturing),
                Booking("b-confirmed", BookingStatus.Confirmed),
                Booking("b-infused", BookingStatus.Infused),
            },
        });
        Gateway.On<AdvanceBookingRequest, Booking>("AdvanceBooking", r => Booking("b-shipped", r.To, revision: 8));
        var page = Render<BookingsPage>();
        page.WaitForElement("[data-testid=site-bookings]");

        Assert.Equal([nameof(BookingStatus.ApheresisReceived), nameof(BookingStatus.Cancelled)], Steps(page, "b-shipped"));
        Assert.Equal([nameof(BookingStatus.Released), nameof(BookingStatus.ManufacturingFailed)], Steps(page, "b-making"));
        Assert.Equal([nameof(BookingStatus.Cancelled)], Steps(page, "b-confirmed"));
        Assert.Contains(Text["Step_Hospital"].Value, page.Find("tr[data-booking=b-confirmed]").TextContent, StringComparison.Ordinal);
        Assert.Empty(Steps(page, "b-infused"));
        Assert.Equal(Site, Gateway.Requests<ListBookingsRequest>("ListBookings").First().SiteId);

        await page.Find($"tr[data-booking=b-shipped] button[data-step={BookingStatus.ApheresisReceived}]").ClickAsync(new());

        var sent = Gateway.Requests<AdvanceBookingRequest>("AdvanceBooking").Single();
        Assert.Equal(("b-shipped", BookingStatus.ApheresisReceived, 7L), (sent.BookingId, sent.To, sent.ExpectedRevision));
        page.WaitForAssertion(() => Assert.Contains(Strings["Status_ApheresisReceived"].Value, page.Find("[data-testid=booking-note]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void The_sites_bookings_show_why_a_hospital_declared_an_emergency()
    {
        SignInAsSite();
        ScriptProducts();
        Gateway.On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse());
        var emergency = Booking("b-emergency", BookingStatus.Held);
        emergency.Urgency = UrgencyClass.Emergency;
        emergency.EmergencyJustification = "Second relapse, blasts rising.";
        Gateway.On<ListBookingsRequest, ListBookingsResponse>("ListBookings", _ => new ListBookingsResponse { Bookings = { emergency, Booking("b-plain", BookingStatus.Held) } });

        var page = Render<BookingsPage>();
        page.WaitForElement("[data-testid=site-bookings]");

        Assert.Contains("Second relapse, blasts rising.", page.Find("tr[data-booking=b-emergency] [data-testid=emergency-justification]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("tr[data-booking=b-plain] [data-testid=emergency-justification]"));
    }

    [Fact]
    public async Task A_booking_moves_only_to_another_open_run_of_its_product_with_room_and_a_refused_target_is_shown_beside_the_choice()
    {
        SignInAsSite();
        ScriptProducts();
        Gateway.On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse
        {
            Capacity =
            {
                Run("c-1", new DateOnly(2026, 12, 14), lines: 2, booked: 1),
                Run("c-2", new DateOnly(2026, 12, 21), lines: 2, booked: 1),
                Run("c-full", new DateOnly(2026, 12, 22), lines: 1, booked: 1),
                Run("c-closed", new DateOnly(2026, 12, 23), lines: 1, booked: 0, status: CapacityStatus.Closed),
                Run("c-past", new DateOnly(2026, 12, 1), lines: 1, booked: 0),
                new Capacity(Run("c-other", new DateOnly(2026, 12, 24), lines: 1, booked: 0)) { ProductId = "tisagenlecleucel" },
            },
        });
        Gateway.On<ListBookingsRequest, ListBookingsResponse>("ListBookings", _ => new ListBookingsResponse { Bookings = { Booking("b-1", BookingStatus.Confirmed, revision: 4) } });
        Gateway.On<MoveBookingRequest, Booking>("MoveBooking", _ => throw Errors.BadRequest(("to_capacity_id", "the apheresis cut-off has passed")));
        var page = Render<BookingsPage>();
        page.WaitForElement("#move-b-1");

        Assert.Equal(["", "c-2"], page.FindAll("#move-b-1 option").Select(o => o.GetAttribute("value")));
        Assert.Contains("1", page.Find("#move-b-1 option[value=c-2]").TextContent, StringComparison.Ordinal);
        AssertEveryInputLabelled(page);
        page.Find("#move-b-1").Change("c-2");
        await page.Find("form.site-move").SubmitAsync();

        var sent = Gateway.Requests<MoveBookingRequest>("MoveBooking").Single();
        Assert.Equal(("b-1", "c-2", 4L), (sent.BookingId, sent.ToCapacityId, sent.ExpectedRevision));
        page.WaitForAssertion(() => Assert.Contains("cut-off has passed", page.Find("#move-b-1-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_months_fair_shares_are_drawn_with_their_table_and_each_runs_release_day()
    {
        SignInAsSite();
        ScriptProducts();
        Gateway.On<GetFairSharesRequest, FairShares>("GetFairShares", r => new FairShares
        {
            SiteId = Site,
            PeriodStart = new Google.Type.Date { Year = r.Day.Year, Month = r.Day.Month, Day = 1 },
            PeriodEnd = new Google.Type.Date { Year = r.Day.Year, Month = r.Day.Month, Day = 31 },
            Lines = 10,
            Booked = 4,
            Unreserved = 1,
            ReleaseDaysBeforeRun = 7,
            Shares =
            {
                new CountryShare { CountryCode = "KZ", Percent = 50, Guaranteed = 5, Used = 3 },
                new CountryShare { CountryCode = "UZ", Percent = 40, Guaranteed = 4, Used = 1 },
            },
        });
        Gateway.On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => new ListCapacityResponse
        {
            Capacity = { Run("c-1", new DateOnly(2026, 12, 21), lines: 10, booked: 4), Run("c-jan", new DateOnly(2027, 1, 11), lines: 1, booked: 0) },
        });
        var page = Render<FairSharesPage>();

        page.WaitForElement("[data-testid=fair-shares] figure");
        var first = Gateway.Requests<GetFairSharesRequest>("GetFairShares").Single();
        Assert.Equal((Site, 2026, 12, 1), (first.SiteId, first.Day.Year, first.Day.Month, first.Day.Day));
        Assert.Equal(2, page.FindAll("[data-testid=fair-shares] svg g.ct-share[data-country=KZ], [data-testid=fair-shares] svg g.ct-share[data-country=UZ]").Count);
        var kz = page.Find("[data-testid=fair-shares] table tr[data-country=KZ]");
        Assert.Equal(["5", "3", "2"], kz.QuerySelectorAll("td").Skip(1).Select(c => c.TextContent));
        Assert.Equal(["c-1"], page.FindAll("[data-testid=release-days] tr[data-run]").Select(r => r.GetAttribute("data-run")));
        Assert.Equal("2026-12-14", page.Find("[data-testid=release-days] [data-figure=release]").TextContent);
        page.WaitForAssertion(() => Assert.Contains("CAR-T NCB", page.Find("[data-testid=release-days] tr[data-run=c-1]").TextContent, StringComparison.Ordinal));
        AssertEveryInputLabelled(page);

        await page.Find("[data-testid=month-next]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(2, Gateway.Requests<GetFairSharesRequest>("GetFairShares").Count()));
        Assert.Equal((2027, 1, 1), Gateway.Requests<GetFairSharesRequest>("GetFairShares").Last() is var next ? (next.Day.Year, next.Day.Month, next.Day.Day) : default);
        page.WaitForAssertion(() => Assert.Equal(["c-jan"], page.FindAll("[data-testid=release-days] tr[data-run]").Select(r => r.GetAttribute("data-run"))));
    }

    [Fact]
    public void A_refusal_is_said_plainly_and_the_rest_of_the_page_keeps_working()
    {
        SignInAsSite();
        ScriptProducts();
        Gateway.On<ListCapacityRequest, ListCapacityResponse>("ListCapacity", _ => throw new RpcException(new Status(StatusCode.PermissionDenied, "token scope slots missing")));

        var page = Render<RunsPage>();

        page.WaitForAssertion(() => Assert.Equal(nameof(PortalErrorKind.NotAllowed), page.Find("[data-testid=error]").GetAttribute("data-kind")));
        Assert.Equal(Strings["Error_NotAllowed"].Value, page.Find("[data-testid=error] p").TextContent);
        Assert.DoesNotContain("token scope", page.Markup, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=publish-form]"));
    }

    [Fact]
    public void Only_a_sites_account_is_given_the_site_pages_forms()
    {
        Auth.SetAuthorized("kz.coordinator");
        Auth.SetClaims(new Claim(PlatformClaims.Country, "KZ"), new Claim(PlatformClaims.Org, "kz-astana-childrens"), new Claim(PlatformClaims.Role, Roles.HospitalCoordinator));

        AssertNoForms(Render<RunsPage>());
        AssertNoForms(Render<BookingsPage>());
        AssertNoForms(Render<FairSharesPage>());
        Assert.Empty(Gateway.Calls);
    }

    private void SignInAsSite()
    {
        Auth.SetAuthorized("kz.site");
        Auth.SetClaims(new Claim(PlatformClaims.Country, "KZ"), new Claim(PlatformClaims.Org, Site), new Claim(PlatformClaims.Role, Roles.ManufacturingSite));
    }

    private void ScriptProducts() =>
        Gateway.On<ListProductsRequest, ListProductsResponse>("ListProducts", _ => new ListProductsResponse { Products = { new Product { ProductId = Product, Name = "CAR-T NCB" } } });

    private static Capacity Run(string id, DateOnly start, int lines, int booked, CapacityStatus status = CapacityStatus.Open, long revision = 1, DateOnly? cutoff = null) => new()
    {
        CapacityId = id,
        SiteId = Site,
        ProductId = Product,
        RunStart = Formats.ToDate(start),
        RunDays = 14,
        Lines = lines,
        Booked = booked,
        Status = status,
        ApheresisCutoff = Formats.ToDate(cutoff ?? start.AddDays(-1)),
        SiteCountry = "KZ",
        Revision = new Revision { Version = revision },
    };

    private static Booking Booking(string id, BookingStatus status, long revision = 1) => new()
    {
        BookingId = id,
        CapacityId = "c-1",
        SiteId = Site,
        ProductId = Product,
        RunStart = new Google.Type.Date { Year = 2026, Month = 12, Day = 14 },
        Pseudonym = "KZ-AAAA-BBBB-CCCC-" + id.Length.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
        PatientCountry = "KZ",
        TreatingInstitutionId = "kz-astana-childrens",
        Status = status,
        Revision = new Revision { Version = revision },
    };

    private static string Figure(AngleSharp.Dom.IElement row, string figure) => row.QuerySelector($"[data-figure={figure}]")!.TextContent;

    private static IEnumerable<string?> Steps(IRenderedComponent<BookingsPage> page, string bookingId) =>
        page.FindAll($"tr[data-booking={bookingId}] button[data-step]").Select(b => b.GetAttribute("data-step"));

    private static void AssertNoForms<T>(IRenderedComponent<T> page) where T : Microsoft.AspNetCore.Components.IComponent
    {
        page.WaitForElement("[data-testid=not-site]");
        Assert.Empty(page.FindAll("form"));
    }

    private static void AssertEveryInputLabelled<T>(IRenderedComponent<T> rendered) where T : Microsoft.AspNetCore.Components.IComponent
    {
        Assert.NotEmpty(rendered.FindAll("input, select"));
        Assert.All(rendered.FindAll("input, select"), input => Assert.Single(rendered.FindAll($"label[for='{input.Id}']")));
    }
}
