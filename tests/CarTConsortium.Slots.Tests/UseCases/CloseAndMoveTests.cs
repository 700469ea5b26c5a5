using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Runs;
using Xunit;
using BookingChanged = CarTConsortium.Contracts.Slots.V1.BookingChanged;
using CapacityChanged = CarTConsortium.Contracts.Slots.V1.CapacityChanged;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>A site closes a run only once no booking holds a place in it: it moves them first, and the ledgers follow.</summary>
public sealed class CloseAndMoveTests
{
    private static readonly DateOnly May = new(2026, 5, 4);
    private static readonly DateOnly LateMay = new(2026, 5, 18);

    [Fact]
    public async Task A_run_holding_a_booking_closes_only_after_the_site_moves_the_booking_and_the_place_moves_with_it()
    {
        using var world = await SlotsWorld.CreateAsync();
        var source = await world.PublishAsync();
        var target = await world.PublishAsync(May);
        var booking = await world.HoldForNewPatientAsync();
        Assert.Equal(source.Id, booking.Value.CapacityId);

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() =>
            world.CloseRun.ExecuteAsync(new CloseRunCommand(source.Id, source.Version, "line maintenance"), SlotsWorld.SiteAccount(), CancellationToken.None));
        Assert.Equal($"Capacity {source.Id}: 1 booking(s) hold places ({booking.Id}); move them to another run (MoveBooking) or cancel them first.", refused.Message);

        world.Clock.Advance(TimeSpan.FromHours(1));
        var moved = (await world.MoveBooking.ExecuteAsync(new MoveBookingCommand(booking.Id, target.Id, booking.Version, "line maintenance"), SlotsWorld.SiteAccount(), CancellationToken.None)).Stored;
        var closed = await world.CloseRun.ExecuteAsync(new CloseRunCommand(source.Id, source.Version, "line maintenance"), SlotsWorld.SiteAccount(), CancellationToken.None);

        Assert.Equal((target.Id, May, BookingStatus.Held, 2L), (moved.Value.CapacityId, moved.Value.RunStart, moved.Value.Status, moved.Version));
        var step = moved.Value.Custody[^1];
        Assert.Equal((BookingStatus.Held, world.Clock.GetUtcNow(), SlotsWorld.SiteAccount().Subject, (string?)$"moved from run {source.Id} (2026-04-06) to run {target.Id} (2026-05-04): line maintenance"),
            (step.Status, step.At, step.Subject, step.Note));
        Assert.Equal((RunStatus.Closed, "line maintenance", 0), (closed.Stored.Value.Status, closed.Stored.Value.ClosedReason, closed.Booked));
        Assert.Equal((0, 1), ((await world.PlacesAsync(source)).Taken, (await world.PlacesAsync(target)).Taken));
        var told = Assert.Single(await world.RaisedAsync<BookingChanged>(), e => e.Change == "moved");
        Assert.Equal((booking.Id, target.Id), (told.Booking.BookingId, told.Booking.CapacityId));
        var capacity = await world.RaisedAsync<CapacityChanged>();
        Assert.Equal(0, capacity.Last(c => c.Capacity.CapacityId == source.Id).Capacity.Booked);
        Assert.Equal(1, capacity.Last(c => c.Capacity.CapacityId == target.Id).Capacity.Booked);
    }

    [Fact]
    public async Task A_move_within_one_month_gives_back_and_takes_in_the_same_ledger_and_only_the_site_moves_and_only_into_room()
    {
        using var world = await SlotsWorld.CreateAsync();
        var source = await world.PublishAsync(May);
        var target = await world.PublishAsync(LateMay);
        var full = await world.PublishAsync(LateMay.AddDays(7));
        var booking = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        var other = await world.HoldForNewPatientAsync();
        Assert.Equal(target.Id, other.Value.CapacityId);
        // A third patient takes the last run, which is then full.
        await world.HoldForNewPatientAsync();

        var byHospital = await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            world.MoveBooking.ExecuteAsync(new MoveBookingCommand(booking.Id, full.Id, booking.Version, null), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None));
        var intoFull = await Assert.ThrowsAsync<RuleViolationException>(() =>
            world.MoveBooking.ExecuteAsync(new MoveBookingCommand(booking.Id, full.Id, booking.Version, null), SlotsWorld.SiteAccount(), CancellationToken.None));
        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), other.Id, BookingStatus.Cancelled);
        var moved = (await world.MoveBooking.ExecuteAsync(new MoveBookingCommand(booking.Id, target.Id, booking.Version, null), SlotsWorld.SiteAccount(), CancellationToken.None)).Stored;

        Assert.Equal("Only the booking's manufacturing site or a consortium admin moves a booking.", byHospital.Message);
        Assert.StartsWith($"Booking {booking.Id} cannot move to run {full.Id}: all 1 line(s) are booked", intoFull.Message, StringComparison.Ordinal);
        Assert.Equal((target.Id, BookingStatus.Confirmed), (moved.Value.CapacityId, moved.Value.Status));
        Assert.Equal((0, 1, 1), ((await world.PlacesAsync(source)).Taken, (await world.PlacesAsync(target)).Taken, (await world.PlacesAsync(full)).Taken));
    }
}
