using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Slots.Domain.Bookings;

namespace CarTConsortium.Slots.UseCases.Bookings;

public sealed record GetBookingCommand(string? BookingId);

/// <summary>One booking, for those who follow it (<see cref="BookingAccess.MayFollow"/>).</summary>
public sealed class GetBooking(BookingReads bookings)
{
    public async Task<BookingView> ExecuteAsync(GetBookingCommand command, Caller caller, CancellationToken ct)
    {
        var booking = await bookings.FindAsync(command.BookingId, ct);
        caller.Demand(BookingAccess.MayFollow(caller, booking.Value), BookingAccess.WhoMayFollow);
        return BookingView.For(caller, booking);
    }
}
