using Bunit;
using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Portal.Components.Pages;
using CarTConsortium.Portal.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The booking page against a fake gateway: confirming, and losing a race to someone else.</summary>
public sealed class BookingPageTests : PortalComponentTest
{
    public BookingPageTests()
    {
        Gateway.On<ExplainAllocationRequest, AllocationExplanation>("ExplainAllocation", r => new AllocationExplanation { RequestId = r.RequestId, Summary = "Held the earliest run that fits." });
    }

    [Fact]
    public void A_held_booking_counts_down_and_confirming_sends_the_revision_it_was_read_at()
    {
        var held = Booking(BookingStatus.Held, version: 3);
        Gateway.On<GetBookingRequest, Booking>("GetBooking", _ => held);
        Gateway.On<AdvanceBookingRequest, Booking>("AdvanceBooking", r => Booking(r.To, version: 4));

        var page = Render<BookingDetail>(p => p.Add(b => b.BookingId, "b-1"));
        page.WaitForAssertion(() => Assert.Equal("Held", page.Find("[data-testid=booking-status]").TextContent));
        Assert.Equal("1 d 23:00:00", page.Find("[role=timer]").TextContent);
        Assert.Contains("Held the earliest run that fits.", page.Markup, StringComparison.Ordinal);

        page.Find("[data-testid=confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal("Confirmed", page.Find("[data-testid=booking-status]").TextContent));
        var advance = Assert.Single(Gateway.Requests<AdvanceBookingRequest>("AdvanceBooking"));
        Assert.Equal(("b-1", BookingStatus.Confirmed, 3L), (advance.BookingId, advance.To, advance.ExpectedRevision));
        Assert.Empty(page.FindAll("[data-testid=hold-countdown]"));
        Assert.Empty(page.FindAll("[data-testid=error]"));
    }

    [Fact]
    public void When_someone_else_changed_the_booking_first_the_page_reloads_it_and_says_what_changed()
    {
        Gateway.On<GetBookingRequest, Booking>("GetBooking", _ => Booking(BookingStatus.Held, version: 3));
        Gateway.On<GetBookingRequest, Booking>("GetBooking", _ => Booking(BookingStatus.Cancelled, version: 4));
        Gateway.On<AdvanceBookingRequest, Booking>("AdvanceBooking", _ => throw new RpcException(new Status(StatusCode.Aborted, "revision 3 is stale")));

        var page = Render<BookingDetail>(p => p.Add(b => b.BookingId, "b-1"));
        page.WaitForAssertion(() => Assert.Equal("Held", page.Find("[data-testid=booking-status]").TextContent));
        page.Find("[data-testid=confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal("Cancelled", page.Find("[data-testid=booking-status]").TextContent));
        Assert.Equal(nameof(PortalErrorKind.Changed), page.Find("[data-testid=error]").GetAttribute("data-kind"));
        Assert.Equal(Strings["Changed_Status", "Held", "Cancelled"].Value, page.Find("[data-testid=error-note]").TextContent);
        // Nothing is retried for the person: a cancelled booking offers no confirm.
        Assert.Empty(page.FindAll("[data-testid=confirm]"));
        Assert.Equal(2, Gateway.Requests<GetBookingRequest>("GetBooking").Count());
    }

    [Fact]
    public void An_emergency_booking_shows_why_it_is_one_to_whoever_may_read_the_booking_and_another_booking_shows_nothing()
    {
        var emergency = Booking(BookingStatus.Held, version: 1);
        emergency.Urgency = UrgencyClass.Emergency;
        emergency.EmergencyJustification = "Second relapse, blasts rising.";
        var plain = Booking(BookingStatus.Held, version: 1);
        Gateway.On<GetBookingRequest, Booking>("GetBooking", r => r.BookingId == "b-1" ? emergency : plain);

        var page = Render<BookingDetail>(p => p.Add(b => b.BookingId, "b-1"));

        page.WaitForAssertion(() => Assert.Equal("Second relapse, blasts rising.", page.Find("[data-testid=emergency-justification]").TextContent));
        var urgent = Render<BookingDetail>(p => p.Add(b => b.BookingId, "b-2"));
        urgent.WaitForAssertion(() => Assert.Equal("Held", urgent.Find("[data-testid=booking-status]").TextContent));
        Assert.Empty(urgent.FindAll("[data-testid=emergency-justification]"));
    }

    [Fact]
    public void A_refusal_shows_the_plain_message_and_no_booking_data()
    {
        Gateway.On<GetBookingRequest, Booking>("GetBooking", _ => throw new RpcException(new Status(StatusCode.PermissionDenied, "not yours")));

        var page = Render<BookingDetail>(p => p.Add(b => b.BookingId, "b-1"));

        page.WaitForAssertion(() => Assert.Equal(nameof(PortalErrorKind.NotAllowed), page.Find("[data-testid=error]").GetAttribute("data-kind")));
        Assert.Empty(page.FindAll("[data-testid=booking]"));
    }

    private Booking Booking(BookingStatus status, long version) => new()
    {
        BookingId = "b-1",
        CapacityId = "c-1",
        SiteId = "kz-ncb-astana",
        ProductId = "ncb-cd19-academic",
        RunStart = new Google.Type.Date { Year = 2026, Month = 12, Day = 16 },
        Pseudonym = "KZ-AAAA-BBBB-CCCC-DDDD",
        PatientCountry = "KZ",
        TreatingInstitutionId = "kz-astana-childrens",
        Status = status,
        HoldExpiresAt = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddHours(47)),
        Urgency = UrgencyClass.Urgent,
        Indication = "r/r B-ALL",
        RequestId = "r-1",
        Revision = new Revision { Version = version },
        Custody = { new CustodyStep { Status = BookingStatus.Held, At = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddHours(-1)), Org = "kz-astana-childrens" } },
    };
}
