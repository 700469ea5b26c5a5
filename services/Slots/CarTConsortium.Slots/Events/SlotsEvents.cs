using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Api;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using Contract = CarTConsortium.Contracts.Slots.V1;

namespace CarTConsortium.Slots.Events;

/// <summary>
/// The integration events slots publishes (consortium.slots.v1): a booking, a run or a
/// waitlist entry as it is once the change commits. Events stay inside the platform, so they
/// carry the pseudonym; the messages are the API's (<see cref="SlotsMapping"/>).
/// </summary>
internal static class SlotsEvents
{
    /// <param name="version">The booking's revision once the change commits: consumers keep the newer copy by it.</param>
    /// <param name="change">What happened, e.g. <see cref="BookingChanges.Held"/> or the new status in words (<see cref="Booking.Words"/>).</param>
    public static Contract.BookingChanged BookingChanged(Booking booking, long version, string change, string detail) =>
        new() { Booking = SlotsMapping.ToContract(new Stored<Booking>(booking.BookingId, version, booking), showPseudonym: true), Change = change, Detail = detail };

    /// <summary>The run with the places its period's ledger counts as taken in it.</summary>
    public static Contract.CapacityChanged CapacityChanged(Stored<ManufacturingRun> run, PeriodLedger ledger) =>
        CapacityChanged(run, ledger.PlacesOf(run.Id).Taken);

    public static Contract.CapacityChanged CapacityChanged(Stored<ManufacturingRun> run, int booked) =>
        new() { Capacity = SlotsMapping.ToContract(run, booked) };

    /// <param name="entry">The entry as it is once the change commits (its next revision).</param>
    public static Contract.WaitlistChanged WaitlistChanged(Stored<WaitlistEntry> entry, string change) =>
        new() { Entry = SlotsMapping.ToContract(entry, showPseudonym: true), Change = change };
}

/// <summary>BookingChanged's change names besides a step's status in words.</summary>
internal static class BookingChanges
{
    public const string Held = "held";
    public const string Offered = "offered";
    public const string Expired = "expired";
    public const string Moved = "moved";
    public const string Flagged = "flagged";
}

/// <summary>WaitlistChanged's change names.</summary>
internal static class WaitlistChanges
{
    public const string Joined = "joined";
    public const string Offered = "offered";
    public const string Accepted = "accepted";
    public const string Waiting = "waiting";
    public const string Closed = "closed";
    public const string Withdrawn = "withdrawn";
}
