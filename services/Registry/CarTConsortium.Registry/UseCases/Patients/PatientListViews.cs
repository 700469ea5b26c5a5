using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <summary>
/// The store queries whose union is what <see cref="ListPatients"/> returns: each of the caller's views
/// (<see cref="Domain.Patients.PatientVisibility.CanRead"/> written as a query) that the filters do not rule out,
/// and none that another view already holds whole. A view left out changes no result; it is one query fewer
/// per page, and the ones left out are the least selective: listing one's own institution reads that
/// institution's records alone instead of also walking the country's (a small institution's page no longer
/// costs a pass over a large country), and a care team's shared view is inside its country view.
/// </summary>
internal static class PatientListViews
{
    /// <param name="filtered">The page query with the request's filters (institution, country, research consent).</param>
    /// <param name="verified">The caller, its institution kept only when the registry places it in the caller's country.</param>
    /// <param name="treatingInstitutionId">The institution filter; null or empty for none.</param>
    /// <param name="country">The country filter as applied (the caller's own country when neither filter was given); null or empty for none.</param>
    public static List<DocumentQuery> Of(DocumentQuery filtered, Caller verified, string? treatingInstitutionId, string? country)
    {
        ArgumentNullException.ThrowIfNull(filtered);
        ArgumentNullException.ThrowIfNull(verified);
        var careTeam = verified.HasRole(Roles.Clinician) || verified.HasRole(Roles.HospitalCoordinator);
        var views = new List<DocumentQuery>();
        if (careTeam && verified.Org is { } org && (string.IsNullOrEmpty(treatingInstitutionId) || treatingInstitutionId == org))
        {
            views.Add(filtered.WhereKey(PatientKeys.TreatingInstitution, org));
            if (treatingInstitutionId == org)
            {
                // Every record of the filtered institution is in this view (frozen ones too): the others could add none.
                return views;
            }
        }
        var countryView = careTeam && verified.Country is { } own && (string.IsNullOrEmpty(country) || country == own);
        if (countryView)
        {
            views.Add(filtered.WhereKey(PatientKeys.Country, verified.Country).WhereKey(PatientKeys.Active, PatientKeys.Yes));
        }
        // A shared record is active (sharing needs the registry consent a frozen record lacks), so within the caller's
        // own country the shared view adds nothing to the country view.
        var sharedInsideCountryView = countryView && !string.IsNullOrEmpty(country);
        if ((verified.HasRole(Roles.Clinician) || verified.IsConsortiumAdmin) && !sharedInsideCountryView)
        {
            views.Add(filtered.WhereKey(PatientKeys.Shared, PatientKeys.Yes));
        }
        return views;
    }
}
