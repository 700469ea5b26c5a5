using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Slots.Domain.Bookings;

namespace CarTConsortium.Slots.Domain.Waitlist;

/// <summary>Who sees whose entry: everyone who may read the waitlist sees its order and why; only the treating hospital sees whose entry it is; no other hospital reads an emergency's justification.</summary>
public static class WaitlistAccess
{
    public static bool SeesPseudonym(Caller caller, WaitlistEntry entry) =>
        BookingAccess.IsCoordinatorOf(caller, entry.TreatingInstitutionId, entry.PatientCountry);

    /// <summary>
    /// Why an emergency was declared: the treating hospital, consortium admins, and a site the entry
    /// asked for (or any site's account of its own site while the entry may go to any site) read it; other hospitals never do.
    /// </summary>
    public static bool SeesJustification(Caller caller, WaitlistEntry entry) =>
        caller.IsConsortiumAdmin || SeesPseudonym(caller, entry)
        || (caller.HasRole(Roles.ManufacturingSite) && caller.Org is { } site && (entry.SiteId is null || entry.SiteId == site));
}
