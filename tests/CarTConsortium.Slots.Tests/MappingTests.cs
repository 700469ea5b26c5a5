using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Api;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Tests.Bookings;
using CarTConsortium.Testing;
using Xunit;
using Contract = CarTConsortium.Contracts.Slots.V1;

namespace CarTConsortium.Slots.Tests;

/// <summary>Slots' enums and bookings into and out of consortium.slots.v1: by name, never by number.</summary>
public sealed class MappingTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);
    private static readonly Caller Coordinator = Callers.Of(Roles.HospitalCoordinator, "KZ", "kz-rcch-almaty");

    public static TheoryData<BookingStatus> DomainStatuses => new(Enum.GetValues<BookingStatus>());

    public static TheoryData<Contract.BookingStatus> ContractStatuses => new(Enum.GetValues<Contract.BookingStatus>().Where(s => s != Contract.BookingStatus.Unspecified));

    public static TheoryData<UrgencyClass> DomainUrgencies => new(Enum.GetValues<UrgencyClass>());

    public static TheoryData<Contract.UrgencyClass> ContractUrgencies => new(Enum.GetValues<Contract.UrgencyClass>());

    [Theory]
    [MemberData(nameof(DomainStatuses))]
    public void Every_booking_status_maps_to_the_contract_status_of_its_name_and_back(BookingStatus status)
    {
        var contract = SlotsMapping.ToContract(status);

        Assert.Equal(status.ToString(), contract.ToString());
        Assert.NotEqual(Contract.BookingStatus.Unspecified, contract);
        Assert.Equal(status, SlotsMapping.FromContract(contract));
    }

    [Theory]
    [MemberData(nameof(ContractStatuses))]
    public void Every_contract_booking_status_but_unspecified_is_a_booking_status(Contract.BookingStatus status)
    {
        var domain = SlotsMapping.FromContract(status);

        Assert.NotNull(domain);
        Assert.Equal(status, SlotsMapping.ToContract(domain.Value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(99)]
    [InlineData(-1)]
    public void An_unspecified_or_unknown_contract_booking_status_is_none(int number) =>
        Assert.Null(SlotsMapping.FromContract((Contract.BookingStatus)number));

    [Fact]
    public void The_domain_and_the_contract_have_the_same_booking_statuses()
    {
        Assert.Equal(Enum.GetValues<BookingStatus>().Length, Enum.GetValues<Contract.BookingStatus>().Length - 1);
        Assert.Equal(Enum.GetValues<BookingStatus>().Length, Enum.GetValues<BookingStatus>().Select(SlotsMapping.ToContract).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(DomainUrgencies))]
    public void Every_urgency_maps_to_the_contract_urgency_of_its_name_and_back(UrgencyClass urgency)
    {
        var contract = SlotsMapping.ToContract(urgency);

        Assert.Equal(urgency.ToString(), contract.ToString());
        Assert.Equal(urgency, SlotsMapping.FromContract(contract));
    }

    [Theory]
    [MemberData(nameof(ContractUrgencies))]
    public void Every_contract_urgency_is_the_urgency_of_its_name(Contract.UrgencyClass urgency) =>
        Assert.Equal(urgency.ToString(), SlotsMapping.FromContract(urgency).ToString());

    [Theory]
    [InlineData(4)]
    [InlineData(99)]
    [InlineData(-1)]
    public void An_unknown_contract_urgency_is_unspecified(int number) =>
        Assert.Equal(UrgencyClass.Unspecified, SlotsMapping.FromContract((Contract.UrgencyClass)number));

    private static Booking Followed() =>
        BookingLifecycleTests.NewHold(Now)
            .Advance(BookingStatus.Confirmed, Coordinator, "consent signed", Now.AddHours(1))
            .Flag("authorisation_suspended", "kz-ma-1 was suspended", Now.AddHours(2))
            .Flag("run_closed", "the site closed run cap-1", Now.AddHours(3));

    [Theory]
    [InlineData(false, "")]
    [InlineData(true, "KZ-7Q2M-0XK1-R9TB-4HCW")]
    public void A_booking_shows_its_pseudonym_only_when_asked_to(bool showPseudonym, string pseudonym)
    {
        Assert.Equal(pseudonym, SlotsMapping.ToContract(new Stored<Booking>("bk-1", 3, Followed()), showPseudonym).Pseudonym);
    }

    [Fact]
    public void A_booking_carries_its_fields_custody_and_flags()
    {
        var booking = Followed();

        var contract = SlotsMapping.ToContract(new Stored<Booking>("bk-1", 3, booking), showPseudonym: true);

        Assert.Equal(("bk-1", "cap-1", "astana-ncb", "ncb-cd19-academic", "KZ", "kz-rcch-almaty"),
            (contract.BookingId, contract.CapacityId, contract.SiteId, contract.ProductId, contract.PatientCountry, contract.TreatingInstitutionId));
        Assert.Equal((2026, 3, 24), (contract.RunStart.Year, contract.RunStart.Month, contract.RunStart.Day));
        Assert.Equal((Contract.BookingStatus.Confirmed, Contract.UrgencyClass.Standard, 3L), (contract.Status, contract.Urgency, contract.Revision.Version));
        Assert.Equal((booking.HoldExpiresAt, Now, Now.AddHours(3)),
            (contract.HoldExpiresAt.ToDateTimeOffset(), contract.CreatedAt.ToDateTimeOffset(), contract.UpdatedAt.ToDateTimeOffset()));
        Assert.Equal("", contract.WaitlistEntryId);
        Assert.Equal(
            booking.Custody.Select(c => (SlotsMapping.ToContract(c.Status), c.At, c.Subject, c.ClientId, c.Org ?? "", c.Note ?? "")),
            contract.Custody.Select(c => (c.Status, c.At.ToDateTimeOffset(), c.Subject, c.ClientId, c.Org, c.Note)));
        Assert.Equal(
            [("authorisation_suspended", "kz-ma-1 was suspended", Now.AddHours(2)), ("run_closed", "the site closed run cap-1", Now.AddHours(3))],
            contract.Flags.Select(f => (f.Kind, f.Detail, f.RaisedAt.ToDateTimeOffset())));
    }

    [Fact]
    public void A_custody_step_without_an_institution_or_a_note_has_them_empty()
    {
        var byThePlatform = BookingLifecycleTests.NewHold(Now) with
        {
            Custody = [new CustodyStep(BookingStatus.Held, Now, Booking.PlatformSubject, Booking.PlatformClientId, null, null)],
        };

        var contract = SlotsMapping.ToContract(new Stored<Booking>("bk-1", 2, byThePlatform), showPseudonym: false);

        var step = Assert.Single(contract.Custody);
        Assert.Equal((Booking.PlatformSubject, Booking.PlatformClientId, "", ""), (step.Subject, step.ClientId, step.Org, step.Note));
        Assert.Empty(contract.Flags);
    }

    [Theory]
    [InlineData(true, "Second relapse, blasts rising.")]
    [InlineData(false, "")]
    public void A_waitlist_entry_carries_its_draw_to_everyone_and_its_emergency_justification_only_when_asked_to(bool showJustification, string justification)
    {
        var entry = new WaitlistEntry("w-1", "KZ-7Q2M-0XK1-R9TB-4HCW", "KZ", "kz-rcch-almaty", "ncb-cd19-academic", UrgencyClass.Emergency, Now, false)
        {
            Draw = "0a1b",
            DrawPeriod = "2026-03",
            EmergencyJustification = "Second relapse, blasts rising.",
        };

        var contract = SlotsMapping.ToContract(new Stored<WaitlistEntry>("w-1", 1, entry), showPseudonym: false, showJustification);

        Assert.Equal(("", "2026-03", justification, ""), (contract.Draw, contract.DrawPeriod, contract.EmergencyJustification, contract.Pseudonym));
    }

    [Fact]
    public void A_booking_carries_its_emergency_justification_to_whoever_may_read_it()
    {
        var booking = BookingLifecycleTests.NewHold(Now) with { Urgency = UrgencyClass.Emergency, EmergencyJustification = "Second relapse, blasts rising." };

        Assert.Equal("Second relapse, blasts rising.", SlotsMapping.ToContract(new Stored<Booking>("bk-1", 1, booking), showPseudonym: false).EmergencyJustification);
        Assert.Equal("", SlotsMapping.ToContract(new Stored<Booking>("bk-1", 1, BookingLifecycleTests.NewHold(Now)), showPseudonym: true).EmergencyJustification);
    }
}
