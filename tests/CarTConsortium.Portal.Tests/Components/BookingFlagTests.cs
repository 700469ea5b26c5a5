using Bunit;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Portal.Components.Pages;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>A booking slots flagged (its authorisation was suspended) says so on the booking and in the list, in words.</summary>
public sealed class BookingFlagTests : PortalComponentTest
{
    private const string Detail = "Authorisation tisagenlecleucel.KZ.Reliance of tisagenlecleucel in KZ is suspended.";

    public BookingFlagTests()
    {
        Gateway.On<GetBookingRequest, Booking>("GetBooking", _ => Flagged());
        Gateway.On<ExplainAllocationRequest, AllocationExplanation>("ExplainAllocation", r => new AllocationExplanation { RequestId = r.RequestId });
        Gateway.On<ListBookingsRequest, ListBookingsResponse>("ListBookings", _ => new ListBookingsResponse { Bookings = { Flagged(), Flagged("b-2", flags: false) } });
        Gateway.On<ListProductsRequest, ListProductsResponse>("ListProducts", _ => new ListProductsResponse());
    }

    [Theory]
    [InlineData("en", "The authorisation no longer allows the use:")]
    [InlineData("ru", "Разрешение больше не допускает применение:")]
    public void The_booking_names_the_flag_in_the_persons_language_beside_the_services_words(string culture, string kind)
    {
        UseCulture(culture);

        var page = Render<BookingDetail>(p => p.Add(b => b.BookingId, "b-1"));

        page.WaitForAssertion(() => Assert.Equal(kind, page.Find("[data-testid=flags] li strong").TextContent));
        Assert.Equal(Detail, page.Find("[data-testid=flags] li .api-text").TextContent);
    }

    [Fact]
    public void The_list_marks_only_the_flagged_booking_with_words_for_a_screen_reader()
    {
        var page = Render<Bookings>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=flagged]")));
        var flagged = page.Find("[data-testid=flagged]");
        Assert.Equal(Strings["Bookings_Flagged"].Value, flagged.QuerySelector(".visually-hidden")!.TextContent);
        Assert.Equal("true", flagged.QuerySelector("span")!.GetAttribute("aria-hidden"));
        Assert.Contains("bookings/b-1", flagged.Closest("tr")!.InnerHtml, StringComparison.Ordinal);
    }

    private Booking Flagged(string id = "b-1", bool flags = true)
    {
        var booking = new Booking
        {
            BookingId = id,
            SiteId = "kz-ncb-astana",
            ProductId = "tisagenlecleucel",
            RunStart = new Google.Type.Date { Year = 2026, Month = 12, Day = 18 },
            Pseudonym = "KZ-AAAA-BBBB-CCCC-" + id,
            TreatingInstitutionId = "kz-astana-childrens",
            Status = BookingStatus.Confirmed,
            RequestId = "r-" + id,
        };
        if (flags)
        {
            booking.Flags.Add(new BookingFlag { Kind = "authorisation-lapsed", Detail = Detail, RaisedAt = Timestamp.FromDateTimeOffset(Clock.GetUtcNow()) });
        }
        return booking;
    }
}
