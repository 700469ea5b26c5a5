using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Slots.Domain.Bookings;
using Xunit;

namespace CarTConsortium.Slots.Tests.Bookings;

/// <summary>Who may take each step: every kind of caller, for the booking's own institutions and for others, against every target.</summary>
public sealed class BookingPermissionTests
{
    private const string Treating = "kz-rcch-almaty";
    private const string SiteOrg = "astana-ncb";
    private const string OtherHospital = "uz-rscc-tashkent";
    private const string OtherSite = "almaty-cellplant";

    private static Caller As(string role, string? org) => new("sub-" + role, "client-" + role, org is null ? null : "KZ", org, new HashSet<string> { role });

    private static readonly BookingStatus[] CoordinatorSteps = [BookingStatus.Confirmed, BookingStatus.ApheresisShipped, BookingStatus.Infused, BookingStatus.Cancelled];
    private static readonly BookingStatus[] SiteSteps = [BookingStatus.ApheresisReceived, BookingStatus.InManufacturing, BookingStatus.Released, BookingStatus.Shipped, BookingStatus.ManufacturingFailed, BookingStatus.Cancelled];

    // Each caller and the steps it may take on the booking of Treating at SiteOrg; every other step is refused.
    private static readonly Dictionary<string, (Caller Caller, BookingStatus[] May)> Callers = new()
    {
        ["coordinator of the treating hospital"] = (As(Roles.HospitalCoordinator, Treating), CoordinatorSteps),
        ["coordinator of another hospital"] = (As(Roles.HospitalCoordinator, OtherHospital), []),
        ["coordinator acting for the site"] = (As(Roles.HospitalCoordinator, SiteOrg), []),
        ["the booking's site"] = (As(Roles.ManufacturingSite, SiteOrg), SiteSteps),
        ["another site"] = (As(Roles.ManufacturingSite, OtherSite), []),
        ["a site role for the treating hospital"] = (As(Roles.ManufacturingSite, Treating), []),
        ["consortium admin"] = (As(Roles.ConsortiumAdmin, null), [BookingStatus.Cancelled]),
        ["clinician of the treating hospital"] = (As(Roles.Clinician, Treating), []),
        ["regulatory officer of the treating hospital"] = (As(Roles.RegulatoryOfficer, Treating), []),
        ["procurement officer of the site"] = (As(Roles.ProcurementOfficer, SiteOrg), []),
        ["coordinator without an institution"] = (As(Roles.HospitalCoordinator, null), []),
    };

    public static TheoryData<string, BookingStatus> CallersAndTargets()
    {
        var data = new TheoryData<string, BookingStatus>();
        foreach (var name in Callers.Keys)
        {
            foreach (var to in Enum.GetValues<BookingStatus>())
            {
                data.Add(name, to);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CallersAndTargets))]
    public void Each_caller_may_take_exactly_its_own_steps_and_is_told_why(string name, BookingStatus to)
    {
        var (caller, may) = Callers[name];
        var booking = BookingLifecycleTests.NewHold();

        var allowed = Booking.MayTake(caller, booking, to, out var reason);

        Assert.Equal(may.Contains(to), allowed);
        Assert.Equal(allowed, Booking.MayTake(caller, booking, to));
        Assert.False(string.IsNullOrWhiteSpace(reason));
        if (!allowed && to is not (BookingStatus.Held or BookingStatus.Expired))
        {
            Assert.StartsWith("only ", reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reasons_name_the_institution_that_may_act()
    {
        var booking = BookingLifecycleTests.NewHold();

        Booking.MayTake(As(Roles.HospitalCoordinator, OtherHospital), booking, BookingStatus.Confirmed, out var notYours);
        Booking.MayTake(As(Roles.HospitalCoordinator, Treating), booking, BookingStatus.Released, out var notASite);
        Booking.MayTake(As(Roles.ConsortiumAdmin, null), booking, BookingStatus.Cancelled, out var admin);
        Booking.MayTake(As(Roles.ConsortiumAdmin, null), booking, BookingStatus.Expired, out var expiry);

        Assert.Equal($"only the treating hospital's coordinator ({Treating}) records the confirmation", notYours);
        Assert.Equal($"only the manufacturing site ({SiteOrg}) records the release", notASite);
        Assert.Equal("a consortium admin may cancel any booking", admin);
        Assert.Equal("only the platform lets a hold expire, when its time is up", expiry);
    }

    [Fact]
    public void An_institution_that_both_treats_and_manufactures_takes_both_sets_of_steps_with_both_roles()
    {
        var booking = BookingLifecycleTests.NewHold() with { SiteId = Treating };
        var both = new Caller("sub", "client", "KZ", Treating, new HashSet<string> { Roles.HospitalCoordinator, Roles.ManufacturingSite });

        var may = Enum.GetValues<BookingStatus>().Where(to => Booking.MayTake(both, booking, to));

        Assert.Equal(CoordinatorSteps.Union(SiteSteps).Order(), may.Order());
    }
}
