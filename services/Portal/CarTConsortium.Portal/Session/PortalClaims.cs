using System.Security.Claims;
using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Portal.Session;

/// <summary>What the portal reads of a signed-in person: the provider's ID token claims and the portal's own two.</summary>
public static class PortalClaims
{
    /// <summary>The key of the server-side session (tokens); the cookie carries only this.</summary>
    public const string Session = "portal_session";

    /// <summary>The sign-in choice (provider key) the session came from.</summary>
    public const string Provider = "portal_provider";

    public const string Name = "name";

    public static string? SessionOf(ClaimsPrincipal user) => user.FindFirst(Session)?.Value;

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirst(Name)?.Value ?? user.FindFirst("preferred_username")?.Value ?? user.FindFirst(PlatformClaims.Subject)?.Value ?? "";

    public static string? Country(this ClaimsPrincipal user) => user.FindFirst(PlatformClaims.Country)?.Value;

    public static string? Org(this ClaimsPrincipal user) => user.FindFirst(PlatformClaims.Org)?.Value;

    public static IReadOnlyList<string> PlatformRoles(this ClaimsPrincipal user) =>
        [.. user.FindAll(PlatformClaims.Role).Select(c => c.Value).Distinct(StringComparer.Ordinal)];

    public static bool Has(this ClaimsPrincipal user, string role) => user.HasClaim(PlatformClaims.Role, role);
}
