using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases;

/// <summary>
/// Whether a caller acts for an institution, read from the registry's institutions as slots
/// knows them: a token counts for an institution only from the institution's country.
/// </summary>
public sealed class InstitutionAccess(IDocumentStore store)
{
    /// <summary>Whether the caller is a coordinator of <paramref name="institutionId"/>, in that institution's country.</summary>
    public async Task<bool> IsCoordinatorOfAsync(Caller caller, string institutionId, CancellationToken ct) =>
        caller.HasRole(Roles.HospitalCoordinator) && caller.IsOfOrg(institutionId)
        && await store.FindAsync(SlotsCollections.KnownInstitutions, institutionId, ct) is { } institution
        && BookingAccess.IsCoordinatorOf(caller, institutionId, institution.Value.CountryCode);

    /// <summary>The site, if the caller is one of its accounts with a token from the site's country; <paramref name="why"/> is the refusal.</summary>
    public async Task<KnownInstitution> SiteOfCallerAsync(Caller caller, string siteId, string why, CancellationToken ct)
    {
        caller.Demand(caller.IsOfOrg(siteId), why);
        // Known only from the registry's events: an entity registered a moment ago may not have arrived yet.
        var site = await store.FindAsync(SlotsCollections.KnownInstitutions, siteId, ct);
        if (site is null || !site.Value.IsManufacturingSite)
        {
            throw new RuleViolationException($"'{siteId}' is not a manufacturing site in the registry (yet).");
        }
        // The federation binds a token's country to its issuer, not its org: a provider speaks only for its own country's sites.
        caller.Demand(caller.IsOfCountry(site.Value.CountryCode), why);
        return site.Value;
    }
}
