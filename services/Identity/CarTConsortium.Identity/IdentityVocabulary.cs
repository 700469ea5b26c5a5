using System.Collections.Frozen;
using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Identity;

/// <summary>
/// The names the tokens of every provider share, so resource servers can rely on them. They are
/// the platform's own (<see cref="PlatformClaims"/>, <see cref="Roles"/>): a provider issues
/// exactly what the gateway and the services read.
/// </summary>
public static class IdentityVocabulary
{
    /// <summary>The audience of every access token: the consortium's services as one resource.</summary>
    public const string Audience = PlatformClaims.Audience;

    public const string CountryClaim = PlatformClaims.Country;
    public const string OrgClaim = PlatformClaims.Org;
    public const string RoleClaim = PlatformClaims.Role;

    public static readonly FrozenSet<string> KnownRoles = Roles.All.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>One scope per service; each grants the audience <see cref="Audience"/>.</summary>
    public static readonly FrozenSet<string> ServiceScopes = FrozenSet.Create(StringComparer.Ordinal,
        "registry", "procurement", "approvals", "slots");

    /// <summary>The OpenID Connect scopes, meaningful only when a person signs in.</summary>
    public static readonly FrozenSet<string> PersonScopes = FrozenSet.Create(StringComparer.Ordinal,
        "openid", "profile", "offline_access");
}
