using System.Security.Claims;
using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.BuildingBlocks.Security;

/// <summary>
/// Who is calling, as the validated token says: the subject, the client it used, its
/// country (none for the consortium's own provider), the institution it acts for, its roles.
/// Use cases take a caller to apply object-level rules ("a hospital acts for its own
/// institution and country"); the role-level rule of each RPC is checked before they run.
/// </summary>
public sealed record Caller(string Subject, string ClientId, string? Country, string? Org, IReadOnlySet<string> Roles)
{
    public bool IsConsortiumAdmin => Roles.Contains(Security.Roles.ConsortiumAdmin);

    public bool HasRole(string role) => Roles.Contains(role);

    /// <summary>Whether the caller acts in <paramref name="country"/> (ISO alpha-2, case-insensitive).</summary>
    public bool IsOfCountry(string? country) =>
        Country is not null && string.Equals(Country, country, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the caller acts for institution <paramref name="org"/>.</summary>
    public bool IsOfOrg(string? org) => Org is not null && string.Equals(Org, org, StringComparison.Ordinal);

    /// <summary>Throws PERMISSION_DENIED with <paramref name="why"/> unless <paramref name="allowed"/>.</summary>
    public void Demand(bool allowed, string why)
    {
        if (!allowed)
        {
            throw new PermissionDeniedException(why);
        }
    }

    public static Caller FromClaims(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string? Find(string type) => principal.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;
        return new Caller(
            Find(PlatformClaims.Subject) ?? "",
            Find(PlatformClaims.ClientId) ?? Find("azp") ?? "",
            Find(PlatformClaims.Country)?.ToUpperInvariant(),
            Find(PlatformClaims.Org),
            principal.FindAll(PlatformClaims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }
}
