using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Slots.Domain.Bookings;

namespace CarTConsortium.Slots.Domain.Waitlist;

/// <summary>Who sees whose entry: everyone who may read the waitlist sees its order and why; only the treating hospital sees whose entry it is; no other hospital reads an emergency's justification.</summary>
public static class WaitlistAccess
{
    public static bool SeesPseudonym(Caller caller, WaitlistEntry entry) =>
        BookingAccess.IsCoordinatorOf(caller, entry.TreatingInstitutionId, entry.PatientCountry);

    /// <summary>
    /// Why an emergency was declared, on the waitlist: the treating hospital and consortium admins only.
    /// A site reads it on the booking once a place at that site is held or offered (<see cref="BookingAccess"/>
    /// checks the site and its country there); a waiting entry may go to any site, so it is no site's yet.
    /// </summary>
    public static bool SeesJustification(Caller caller, WaitlistEntry entry) =>
        caller.IsConsortiumAdmin || SeesPseudonym(caller, entry);
}
