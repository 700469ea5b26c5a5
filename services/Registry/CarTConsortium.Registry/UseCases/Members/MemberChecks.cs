using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

/// <summary>The membership facts several use cases check against the store, in one place.</summary>
internal static class MemberChecks
{
    /// <summary>FAILED_PRECONDITION unless <paramref name="countryCode"/> is a member country.</summary>
    public static async Task RequireMemberAsync(this IDocumentStore store, string countryCode, CancellationToken ct)
    {
        var country = await store.FindAsync(RegistryCollections.Countries, countryCode, ct);
        if (country is null || !country.Value.IsMember)
        {
            throw new RuleViolationException($"{countryCode} is not a member country of the consortium.");
        }
    }

    /// <summary>Whether the two countries' agreement covers cross-border care on <paramref name="day"/>.</summary>
    public static async Task<bool> CrossBorderCareInForceAsync(this IDocumentStore store, string first, string second, DateOnly day, CancellationToken ct)
    {
        var agreement = await store.FindAsync(RegistryCollections.Agreements, Agreement.IdOf(first, second), ct);
        return agreement is not null && agreement.Value.CrossBorderCare && agreement.Value.IsInForceOn(day);
    }

    /// <summary>
    /// Hub and spoke, two levels: a spoke refers to a treatment centre that is itself a hub,
    /// across a border only where the two countries agreed on cross-border care.
    /// </summary>
    public static async Task RequireValidHubAsync(this IDocumentStore store, Institution institution, DateOnly today, CancellationToken ct)
    {
        if (institution.HubInstitutionId is not { } hubId)
        {
            return;
        }
        var spokes = await store.QueryAsync(RegistryCollections.Institutions,
            new DocumentQuery { Limit = 1 }.WhereKey(InstitutionKeys.Hub, institution.InstitutionId), ct);
        if (spokes.Items.Count > 0)
        {
            throw new RuleViolationException($"{institution.InstitutionId} is the hub of {spokes.Items[0].Id}; a hub refers to no other hub.");
        }
        var hub = await store.FindAsync(RegistryCollections.Institutions, hubId, ct)
            ?? throw new RuleViolationException($"No institution '{hubId}' is registered to be a hub.");
        if (hub.Value.Kind != InstitutionKind.TreatmentCentre || hub.Value.HubInstitutionId is not null)
        {
            throw new RuleViolationException($"{hubId} is not a hub: a hub is a treatment centre that refers to no other hub.");
        }
        if (hub.Value.CountryCode != institution.CountryCode
            && !await store.CrossBorderCareInForceAsync(hub.Value.CountryCode, institution.CountryCode, today, ct))
        {
            throw new RuleViolationException(
                $"{institution.CountryCode} and {hub.Value.CountryCode} have no cross-border care agreement in force; a spoke refers across the border only under one.");
        }
    }

    /// <summary>The current calendar day in UTC, the day agreements are in force on.</summary>
    public static DateOnly UtcToday(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
