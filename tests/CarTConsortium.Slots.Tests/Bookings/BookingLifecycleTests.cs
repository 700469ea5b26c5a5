using System.Text.Json;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Storage;
using Xunit;

namespace CarTConsortium.Slots.Tests.Bookings;

/// <summary>The booking lifecycle alone: every status against every target, the custody, the hold's lapse, the input rules.</summary>
public sealed class BookingLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan HoldFor = TimeSpan.FromHours(4);
    private const string Pseudonym = "KZ-7Q2M-0XK1-R9TB-4HCW";

    private static readonly Caller Coordinator = new("kc-coord-1", "kz-portal", "KZ", "kz-rcch-almaty", new HashSet<string> { Roles.HospitalCoordinator });
    private static readonly Caller Site = new("ncb-ops-1", "ncb-mes", "KZ", "astana-ncb", new HashSet<string> { Roles.ManufacturingSite });

    internal static Booking NewHold(DateTimeOffset? now = null) =>
        Booking.Hold("bk-1", new HoldTerms("cap-1", "astana-ncb", "ncb-cd19-academic", new DateOnly(2026, 3, 24), Pseudonym, "KZ", "kz-rcch-almaty"), HoldFor, Coordinator, now ?? Now);

    // The lifecycle of issue 6, written out on its own so that a change to Booking.Steps shows here.
    private static readonly Dictionary<BookingStatus, BookingStatus[]> Expected = new()
    {
        [BookingStatus.Held] = [BookingStatus.Confirmed, BookingStatus.Cancelled, BookingStatus.Expired],
        [BookingStatus.Confirmed] = [BookingStatus.ApheresisShipped, BookingStatus.Cancelled],
        [BookingStatus.ApheresisShipped] = [BookingStatus.ApheresisReceived, BookingStatus.Cancelled],
        [BookingStatus.ApheresisReceived] = [BookingStatus.InManufacturing, BookingStatus.Cancelled],
        [BookingStatus.InManufacturing] = [BookingStatus.Released, BookingStatus.ManufacturingFailed],
        [BookingStatus.Released] = [BookingStatus.Shipped, BookingStatus.Cancelled],
        [BookingStatus.Shipped] = [BookingStatus.Infused, BookingStatus.Cancelled],
        [BookingStatus.Infused] = [],
        [BookingStatus.Cancelled] = [],
        [BookingStatus.ManufacturingFailed] = [],
        [BookingStatus.Expired] = [],
    };

    public static TheoryData<BookingStatus, BookingStatus> EveryStatusAndTarget()
    {
        var data = new TheoryData<BookingStatus, BookingStatus>();
        foreach (var from in Enum.GetValues<BookingStatus>())
        {
            foreach (var to in Enum.GetValues<BookingStatus>())
            {
                data.Add(from, to);
            }
        }
        return data;
    }

    [Fact]
    public void The_steps_table_is_the_lifecycle_of_the_issue()
    {
        Assert.Equal(Enum.GetValues<BookingStatus>().Order(), Booking.Steps.Keys.Order());
        foreach (var (from, targets) in Expected)
        {
            Assert.Equal(targets.Order(), Booking.Steps[from].Order());
        }
    }

    [Theory]
    [MemberData(nameof(EveryStatusAndTarget))]
    public void Advance_takes_exactly_the_legal_steps_and_an_illegal_one_changes_nothing(BookingStatus from, BookingStatus to)
    {
        var booking = NewHold() with { Status = from };
        var later = Now.AddMinutes(5);
        // Expiry is the clock's, through Lapse: Advance never takes it.
        var legal = Expected[from].Contains(to) && to != BookingStatus.Expired;

        if (legal)
        {
            var after = booking.Advance(to, Site, "step note", later);

            Assert.Equal(to, after.Status);
            Assert.Equal(booking.Custody.Count + 1, after.Custody.Count);
            Assert.Equal(new CustodyStep(to, later, Site.Subject, Site.ClientId, Site.Org, "step note"), after.Custody[^1]);
            Assert.Equal(later, after.UpdatedAt);
        }
        else
        {
            var error = Assert.Throws<RuleViolationException>(() => booking.Advance(to, Site, null, later));
            Assert.Contains(booking.BookingId, error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(from, booking.Status);
        Assert.Single(booking.Custody);
        Assert.Equal(Now, booking.UpdatedAt);
    }

    public static TheoryData<BookingStatus> EveryStatus => new(Enum.GetValues<BookingStatus>());

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void Lapse_expires_only_a_hold_whose_time_is_up(BookingStatus from)
    {
        var booking = NewHold() with { Status = from };
        var expiry = booking.HoldExpiresAt!.Value;

        if (from == BookingStatus.Held)
        {
            var lapsed = booking.Lapse(expiry);
            Assert.Equal(BookingStatus.Expired, lapsed.Status);
            Assert.Equal(new CustodyStep(BookingStatus.Expired, expiry, Booking.PlatformSubject, Booking.PlatformClientId, null, "the hold lapsed"), lapsed.Custody[^1]);
        }
        else
        {
            Assert.Throws<RuleViolationException>(() => booking.Lapse(expiry.AddDays(1)));
        }
    }

    [Fact]
    public void A_hold_confirms_one_tick_before_it_expires_and_not_at_or_after()
    {
        var hold = NewHold();
        var expiry = hold.HoldExpiresAt!.Value;
        Assert.Equal(Now + HoldFor, expiry);

        Assert.Equal(BookingStatus.Confirmed, hold.Advance(BookingStatus.Confirmed, Coordinator, null, expiry.AddTicks(-1)).Status);
        var atExpiry = Assert.Throws<RuleViolationException>(() => hold.Advance(BookingStatus.Confirmed, Coordinator, null, expiry));
        Assert.Contains("the hold lapsed", atExpiry.Message, StringComparison.Ordinal);
        Assert.Throws<RuleViolationException>(() => hold.Advance(BookingStatus.Confirmed, Coordinator, null, expiry.AddDays(1)));
        // A lapsed hold that the clock has not yet expired may still be cancelled.
        Assert.Equal(BookingStatus.Cancelled, hold.Advance(BookingStatus.Cancelled, Coordinator, null, expiry.AddMinutes(1)).Status);
    }

    [Fact]
    public void A_hold_lapses_at_its_expiry_and_not_one_tick_before()
    {
        var hold = NewHold();
        var expiry = hold.HoldExpiresAt!.Value;

        Assert.False(hold.IsLapsedAt(expiry.AddTicks(-1)));
        Assert.True(hold.IsLapsedAt(expiry));
        var early = Assert.Throws<RuleViolationException>(() => hold.Lapse(expiry.AddTicks(-1)));
        Assert.Contains("runs until", early.Message, StringComparison.Ordinal);
        Assert.Equal(BookingStatus.Expired, hold.Lapse(expiry).Status);
        Assert.Equal(BookingStatus.Expired, hold.Lapse(expiry.AddHours(1)).Status);
        // A confirmed booking is past its hold: the old expiry no longer matters.
        var confirmed = hold.Advance(BookingStatus.Confirmed, Coordinator, null, Now);
        Assert.False(confirmed.IsLapsedAt(expiry.AddDays(1)));
        Assert.Throws<RuleViolationException>(() => confirmed.Lapse(expiry.AddDays(1)));
    }

    [Fact]
    public void A_booking_followed_to_infusion_records_every_step_with_who_and_when_in_order()
    {
        var booking = NewHold();
        var path = new (BookingStatus To, Caller By, string? Note)[]
        {
            (BookingStatus.Confirmed, Coordinator, "consent signed"),
            (BookingStatus.ApheresisShipped, Coordinator, "courier AWB 123"),
            (BookingStatus.ApheresisReceived, Site, null),
            (BookingStatus.InManufacturing, Site, null),
            (BookingStatus.Released, Site, "QP release"),
            (BookingStatus.Shipped, Site, null),
            (BookingStatus.Infused, Coordinator, null),
        };
        for (var i = 0; i < path.Length; i++)
        {
            Assert.True(Booking.MayTake(path[i].By, booking, path[i].To));
            booking = booking.Advance(path[i].To, path[i].By, path[i].Note, Now.AddHours(i + 1));
        }

        Assert.Equal(BookingStatus.Infused, booking.Status);
        Assert.Equal([BookingStatus.Held, .. path.Select(p => p.To)], booking.Custody.Select(c => c.Status));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => Now.AddHours(i)), booking.Custody.Select(c => c.At));
        Assert.Equal([Coordinator.Subject, .. path.Select(p => p.By.Subject)], booking.Custody.Select(c => c.Subject));
        Assert.Equal([Coordinator.ClientId, .. path.Select(p => p.By.ClientId)], booking.Custody.Select(c => c.ClientId));
        Assert.Equal([Coordinator.Org, .. path.Select(p => p.By.Org)], booking.Custody.Select(c => c.Org));
        Assert.Equal([null, .. path.Select(p => p.Note)], booking.Custody.Select(c => c.Note));
        Assert.Equal(Now, booking.CreatedAt);
        Assert.Equal(Now.AddHours(7), booking.UpdatedAt);
    }

    [Fact]
    public void A_blank_note_is_no_note_and_a_long_one_is_refused()
    {
        var hold = NewHold();

        Assert.Null(hold.Advance(BookingStatus.Cancelled, Coordinator, "  ", Now).Custody[^1].Note);
        Assert.Equal(new string('n', Booking.MaxNoteLength), hold.Advance(BookingStatus.Cancelled, Coordinator, new string('n', Booking.MaxNoteLength), Now).Custody[^1].Note);
        var error = Assert.Throws<InvalidArgumentException>(() => hold.Advance(BookingStatus.Cancelled, Coordinator, new string('n', Booking.MaxNoteLength + 1), Now));
        Assert.Equal("note", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void A_hold_records_who_held_it_and_when_it_lapses()
    {
        var hold = NewHold();

        Assert.Equal(BookingStatus.Held, hold.Status);
        Assert.Equal(Now + HoldFor, hold.HoldExpiresAt);
        Assert.Equal(new CustodyStep(BookingStatus.Held, Now, Coordinator.Subject, Coordinator.ClientId, Coordinator.Org, null), Assert.Single(hold.Custody));
        Assert.Equal((Now, Now), (hold.CreatedAt, hold.UpdatedAt));
        Assert.Throws<ArgumentOutOfRangeException>(() => Booking.Hold("bk-2", new HoldTerms("cap-1", "astana-ncb", "ncb-cd19-academic", new DateOnly(2026, 3, 24), Pseudonym, "KZ", "kz-rcch-almaty"), TimeSpan.Zero, Coordinator, Now));
    }

    private sealed record HoldDraft(string CapacityId, string SiteId, string ProductId, string Pseudonym, string Country, string Institution);

    private static readonly HoldDraft ValidHold = new("cap-1", "astana-ncb", "ncb-cd19-academic", Pseudonym, "KZ", "kz-rcch-almaty");

    private static readonly Dictionary<string, (Func<HoldDraft, HoldDraft> Break, string Field)> HoldCases = new()
    {
        ["no capacity"] = (d => d with { CapacityId = " " }, "capacity_id"),
        ["capacity id of 101"] = (d => d with { CapacityId = new string('c', 101) }, "capacity_id"),
        ["site upper case"] = (d => d with { SiteId = "Astana-NCB" }, "site_id"),
        ["product with an underscore"] = (d => d with { ProductId = "ncb_cd19" }, "product_id"),
        ["pseudonym lower case"] = (d => d with { Pseudonym = "kz-7q2m-0xk1-r9tb-4hcw" }, "pseudonym"),
        ["pseudonym with an I"] = (d => d with { Pseudonym = "KZ-7Q2M-0XK1-R9TB-4HCI" }, "pseudonym"),
        ["pseudonym with an L"] = (d => d with { Pseudonym = "KZ-7Q2M-0XK1-R9TB-4HCL" }, "pseudonym"),
        ["pseudonym with an O"] = (d => d with { Pseudonym = "KZ-7Q2M-0XK1-R9TB-4HCO" }, "pseudonym"),
        ["pseudonym with a U"] = (d => d with { Pseudonym = "KZ-7Q2M-0XK1-R9TB-4HCU" }, "pseudonym"),
        ["pseudonym of three groups"] = (d => d with { Pseudonym = "KZ-7Q2M-0XK1-R9TB" }, "pseudonym"),
        ["pseudonym of five groups"] = (d => d with { Pseudonym = "KZ-7Q2M-0XK1-R9TB-4HCW-4HCW" }, "pseudonym"),
        ["pseudonym with a trailing newline"] = (d => d with { Pseudonym = Pseudonym + "\n" }, "pseudonym"),
        ["pseudonym without country"] = (d => d with { Pseudonym = "7Q2M-0XK1-R9TB-4HCW" }, "pseudonym"),
        ["country lower case"] = (d => d with { Country = "kz" }, "patient_country"),
        ["country of three letters"] = (d => d with { Country = "KAZ" }, "patient_country"),
        ["no institution"] = (d => d with { Institution = "" }, "treating_institution_id"),
    };

    public static TheoryData<string> HoldCaseNames => new(HoldCases.Keys);

    [Theory]
    [MemberData(nameof(HoldCaseNames))]
    public void A_hold_breaking_one_rule_reports_that_field_only(string name)
    {
        var (breakRule, field) = HoldCases[name];
        var d = breakRule(ValidHold);

        var error = Assert.Throws<InvalidArgumentException>(() =>
            Booking.Hold("bk-1", new HoldTerms(d.CapacityId, d.SiteId, d.ProductId, new DateOnly(2026, 3, 24), d.Pseudonym, d.Country, d.Institution), HoldFor, Coordinator, Now));

        Assert.Equal(field, Assert.Single(error.Violations).Field);
    }

    [Theory]
    [InlineData(BookingStatus.Held, true, false)]
    [InlineData(BookingStatus.Confirmed, true, false)]
    [InlineData(BookingStatus.ApheresisShipped, true, false)]
    [InlineData(BookingStatus.ApheresisReceived, true, false)]
    [InlineData(BookingStatus.InManufacturing, true, true)]
    [InlineData(BookingStatus.Released, true, true)]
    [InlineData(BookingStatus.Shipped, true, true)]
    [InlineData(BookingStatus.Infused, false, true)]
    [InlineData(BookingStatus.Cancelled, false, false)]
    [InlineData(BookingStatus.ManufacturingFailed, false, true)]
    [InlineData(BookingStatus.Expired, false, false)]
    public void A_booking_holds_capacity_until_shipped_and_counts_as_manufactured_once_manufacturing_began(BookingStatus status, bool active, bool manufactured)
    {
        var booking = NewHold() with { Status = status };

        Assert.Equal(active, booking.IsActive);
        Assert.Equal(manufactured, booking.IsManufactured);
    }

    [Fact]
    public void A_booking_survives_a_json_round_trip_with_its_status_by_name()
    {
        var booking = NewHold()
            .Advance(BookingStatus.Confirmed, Coordinator, "consent signed", Now.AddHours(1))
            .Advance(BookingStatus.ApheresisShipped, Coordinator, null, Now.AddDays(2));

        var json = JsonSerializer.Serialize(booking, DocumentJson.Options);
        var back = JsonSerializer.Deserialize<Booking>(json, DocumentJson.Options)!;

        Assert.Contains("\"status\":\"ApheresisShipped\"", json, StringComparison.Ordinal);
        Assert.Contains("\"runStart\":\"2026-03-24\"", json, StringComparison.Ordinal);
        Assert.Equal(booking.Custody, back.Custody);
        Assert.Equal(booking with { Custody = back.Custody }, back);
    }

    [Theory]
    [InlineData("capacity_id")]
    [InlineData("site_id")]
    [InlineData("treating_institution")]
    [InlineData("pseudonym")]
    [InlineData("status")]
    public void Bookings_are_found_by_each_key(string key) => Assert.True(SlotsCollections.Bookings.HasKey(key));

    [Fact]
    public void The_collection_is_named_bookings_and_has_no_other_key()
    {
        Assert.Equal("bookings", SlotsCollections.Bookings.Name);
        Assert.False(SlotsCollections.Bookings.HasKey("product_id"));
    }
}
