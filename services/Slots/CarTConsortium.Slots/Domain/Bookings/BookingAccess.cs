using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Slots.Domain.Bookings;

/// <summary>
/// Who follows a booking and who sees its patient. An account counts for an institution
/// only with a token from that institution's country: a provider speaks for its own country.
/// </summary>
public static class BookingAccess
{
    public const string WhoMayFollow = "A booking is followed by its treating hospital's coordinators, its manufacturing site and consortium admins only.";

    public static bool IsTreatingHospitalOf(Caller caller, Booking booking) =>
        IsCoordinatorOf(caller, booking.TreatingInstitutionId, booking.PatientCountry);

    public static bool IsSiteOf(Caller caller, Booking booking) =>
        caller.HasRole(Roles.ManufacturingSite) && caller.IsOfOrg(booking.SiteId) && caller.IsOfCountry(booking.SiteCountry);

    public static bool MayFollow(Caller caller, Booking booking) =>
        caller.IsConsortiumAdmin || IsTreatingHospitalOf(caller, booking) || IsSiteOf(caller, booking);

    /// <summary>The pseudonym goes to the treating hospital and the site only; an admin follows bookings without it.</summary>
    public static bool SeesPseudonym(Caller caller, Booking booking) => IsTreatingHospitalOf(caller, booking) || IsSiteOf(caller, booking);

    /// <summary>Whether the caller is a coordinator of <paramref name="institutionId"/>, with a token from the institution's country.</summary>
    public static bool IsCoordinatorOf(Caller caller, string institutionId, string institutionCountry) =>
        caller.HasRole(Roles.HospitalCoordinator) && caller.IsOfOrg(institutionId) && caller.IsOfCountry(institutionCountry);
}
