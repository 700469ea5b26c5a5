using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Catalogue;

namespace CarTConsortium.Slots.Bookings;

/// <summary>
/// Who follows a booking and who sees its patient. An account counts for an institution
/// only with a token from that institution's country: a provider speaks for its own country.
/// </summary>
public static class BookingAccess
{
    public const string WhoMayFollow = "A booking is followed by its treating hospital's coordinators, its manufacturing site and consortium admins only.";

    public static bool IsTreatingHospitalOf(Caller caller, Booking booking) =>
        caller.HasRole(Roles.HospitalCoordinator) && caller.IsOfOrg(booking.TreatingInstitutionId) && caller.IsOfCountry(booking.PatientCountry);

    public static bool IsSiteOf(Caller caller, Booking booking) =>
        caller.HasRole(Roles.ManufacturingSite) && caller.IsOfOrg(booking.SiteId) && caller.IsOfCountry(booking.SiteCountry);

    public static bool MayFollow(Caller caller, Booking booking) =>
        caller.IsConsortiumAdmin || IsTreatingHospitalOf(caller, booking) || IsSiteOf(caller, booking);

    /// <summary>The pseudonym goes to the treating hospital and the site only; an admin follows bookings without it.</summary>
    public static bool SeesPseudonym(Caller caller, Booking booking) => IsTreatingHospitalOf(caller, booking) || IsSiteOf(caller, booking);

    /// <summary>Whether the caller is a coordinator of <paramref name="institutionId"/>, in that institution's country.</summary>
    public static async Task<bool> IsCoordinatorOfAsync(IDocumentStore store, Caller caller, string institutionId, CancellationToken ct) =>
        caller.HasRole(Roles.HospitalCoordinator) && caller.IsOfOrg(institutionId)
        && await store.FindAsync(KnownInstitution.Collection, institutionId, ct) is { } institution && caller.IsOfCountry(institution.Value.CountryCode);
}
