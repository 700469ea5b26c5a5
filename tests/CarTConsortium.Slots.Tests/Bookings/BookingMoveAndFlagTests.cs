using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Tests.Allocation;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Slots.Tests.Bookings;

/// <summary>A booking moved to another run of its site, the flags raised on it, and the shape of a pseudonym.</summary>
public sealed class BookingMoveAndFlagTests
{
    private static readonly DateTimeOffset Later = new(2026, 3, 11, 8, 0, 0, TimeSpan.Zero);
    private static readonly Caller Site = Callers.Of(Roles.ManufacturingSite, "KZ", RunSamples.Site);

    /// <summary>The run a week after the booking's own (cap-1, 2026-03-24) at the same site, of the same product.</summary>
    private static readonly ManufacturingRun NextWeek = RunSamples.Run("cap-2", start: new DateOnly(2026, 3, 31));

    public static TheoryData<BookingStatus> EveryStatus => new(Enum.GetValues<BookingStatus>());

    [Theory]
    [InlineData(BookingStatus.Held)]
    [InlineData(BookingStatus.Confirmed)]
    [InlineData(BookingStatus.ApheresisShipped)]
    [InlineData(BookingStatus.ApheresisReceived)]
    public void A_booking_moves_to_another_run_of_its_site_and_product_keeping_its_status_and_recording_the_move(BookingStatus status)
    {
        var booking = BookingLifecycleTests.NewHold() with { Status = status };

        var moved = booking.MoveTo(NextWeek, Site, null, Later);

        Assert.Equal(booking with { CapacityId = "cap-2", RunStart = new DateOnly(2026, 3, 31), Custody = moved.Custody, UpdatedAt = Later }, moved);
        Assert.Equal([.. booking.Custody, new CustodyStep(status, Later, Site.Subject, Site.ClientId, Site.Org,
            "moved from run cap-1 (2026-03-24) to run cap-2 (2026-03-31)")], moved.Custody);
        Assert.Equal(("cap-1", 1), (booking.CapacityId, booking.Custody.Count));
    }

    [Theory]
    [InlineData(" line 2 is down ", "moved from run cap-1 (2026-03-24) to run cap-2 (2026-03-31): line 2 is down")]
    [InlineData("   ", "moved from run cap-1 (2026-03-24) to run cap-2 (2026-03-31)")]
    public void The_move_note_follows_the_runs_trimmed_and_a_blank_one_adds_nothing(string note, string recorded)
    {
        Assert.Equal(recorded, BookingLifecycleTests.NewHold().MoveTo(NextWeek, Site, note, Later).Custody[^1].Note);
    }

    [Fact]
    public void A_move_note_over_500_characters_is_a_violation_on_note()
    {
        var error = Assert.Throws<InvalidArgumentException>(() =>
            BookingLifecycleTests.NewHold().MoveTo(NextWeek, Site, new string('n', Booking.MaxNoteLength + 1), Later));

        Assert.Equal("note", Assert.Single(error.Violations).Field);
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void Only_a_booking_whose_cells_are_not_in_manufacturing_yet_can_move(BookingStatus status)
    {
        var booking = BookingLifecycleTests.NewHold() with { Status = status };
        var movable = status is BookingStatus.Held or BookingStatus.Confirmed or BookingStatus.ApheresisShipped or BookingStatus.ApheresisReceived;

        Assert.Equal(movable, booking.IsMovable);
        if (movable)
        {
            Assert.Equal("cap-2", booking.MoveTo(NextWeek, Site, null, Later).CapacityId);
        }
        else
        {
            var error = Assert.Throws<RuleViolationException>(() => booking.MoveTo(NextWeek, Site, null, Later));
            Assert.Equal($"Booking bk-1 is {status}; only a booking whose cells are not in manufacturing yet can move.", error.Message);
        }
    }

    private static readonly Dictionary<string, (ManufacturingRun Run, string Message)> RefusedTargets = new()
    {
        ["its own run"] = (RunSamples.Run("cap-1", start: new DateOnly(2026, 3, 24)), "Booking bk-1 is in run cap-1 already."),
        ["a run at another site"] = (RunSamples.Run("cap-3", site: "tashkent-rsc"), "Booking bk-1 moves only to another run of ncb-cd19-academic at astana-ncb."),
        ["a run of another product"] = (RunSamples.Run("cap-4", product: "ncb-cd22-academic"), "Booking bk-1 moves only to another run of ncb-cd19-academic at astana-ncb."),
    };

    public static TheoryData<string> RefusedTargetNames => new(RefusedTargets.Keys);

    [Theory]
    [MemberData(nameof(RefusedTargetNames))]
    public void A_booking_does_not_move_to_its_own_run_nor_to_another_site_or_product(string name)
    {
        var (run, message) = RefusedTargets[name];

        var error = Assert.Throws<RuleViolationException>(() => BookingLifecycleTests.NewHold().MoveTo(run, Site, null, Later));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Flags_are_raised_in_order_and_the_original_keeps_none()
    {
        var booking = BookingLifecycleTests.NewHold();

        var flagged = booking
            .Flag("authorisation_suspended", "kz-ma-1 was suspended", Later)
            .Flag("run_closed", "the site closed run cap-1", Later.AddHours(1));

        Assert.Empty(booking.RaisedFlags);
        Assert.Null(booking.Flags);
        Assert.Equal([
            new BookingFlag("authorisation_suspended", "kz-ma-1 was suspended", Later),
            new BookingFlag("run_closed", "the site closed run cap-1", Later.AddHours(1)),
        ], flagged.RaisedFlags);
        Assert.Equal(Later.AddHours(1), flagged.UpdatedAt);
        Assert.Equal((booking.Status, booking.Custody), (flagged.Status, flagged.Custody));
    }

    [Theory]
    [InlineData("KZ-7Q2M-0XK1-R9TB-4HCW", true)]
    [InlineData("UZ-0000-ZZZZ-ABCD-EFGH", true)]
    [InlineData("KG-JKMN-PQRS-TVWX-YZ98", true)]
    [InlineData("kz-7q2m-0xk1-r9tb-4hcw", false)]
    [InlineData("KZ-7q2m-0XK1-R9TB-4HCW", false)]
    [InlineData("kZ-7Q2M-0XK1-R9TB-4HCW", false)]
    [InlineData("KZ-7Q2-0XK1-R9TB-4HCW", false)]
    [InlineData("KZ-7Q2MM-0XK1-R9TB-4HCW", false)]
    [InlineData("KZ-7Q2M-0XK1-R9TB", false)]
    [InlineData("KZ-7Q2M-0XK1-R9TB-4HCW-4HCW", false)]
    [InlineData("KZ-7Q2M0XK1-R9TB-4HCW", false)]
    [InlineData("KAZ-7Q2M-0XK1-R9TB-4HCW", false)]
    [InlineData("K-7Q2M-0XK1-R9TB-4HCW", false)]
    [InlineData("KZ-7Q2M-0XK1-R9TB-4HCI", false)]
    [InlineData("KZ-7Q2M-0XK1-R9TB-4HCL", false)]
    [InlineData("KZ-7Q2M-0XK1-R9TB-4HCO", false)]
    [InlineData("KZ-7Q2M-0XK1-R9TB-4HCU", false)]
    [InlineData("KZ-7Q2M-0XK1-R9TB-4HCW\n", false)]
    [InlineData(" KZ-7Q2M-0XK1-R9TB-4HCW", false)]
    [InlineData("KZ-7Q2M-0XK1-R9TB-4HCW ", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_pseudonym_is_a_country_code_and_four_groups_of_four_upper_case_Crockford_characters(string? value, bool valid) =>
        Assert.Equal(valid, Booking.IsPseudonym(value));
}
