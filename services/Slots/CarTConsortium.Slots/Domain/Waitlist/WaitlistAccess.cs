using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Slots.Domain.Bookings;

namespace CarTConsortium.Slots.Domain.Waitlist;

/// <summary>Who sees whose entry: everyone who may read the waitlist sees its order and why; only the treating hospital sees whose entry it is.</summary>
public static class WaitlistAccess
{
    public static bool SeesPseudonym(Caller caller, WaitlistEntry entry) =>
        BookingAccess.IsCoordinatorOf(caller, entry.TreatingInstitutionId, entry.PatientCountry);
}
