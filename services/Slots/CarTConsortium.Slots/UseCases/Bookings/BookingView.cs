using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <summary>A booking as one caller may see it: whether its pseudonym is shown is decided here, not by the API.</summary>
public sealed record BookingView(Stored<Booking> Stored, bool ShowsPseudonym)
{
    /// <summary>The booking as <paramref name="caller"/> sees it (<see cref="BookingAccess.SeesPseudonym"/>).</summary>
    public static BookingView For(Caller caller, Stored<Booking> stored) => new(stored, BookingAccess.SeesPseudonym(caller, stored.Value));
}
