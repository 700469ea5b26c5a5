using System.Collections.Frozen;

namespace CarTConsortium.Identity;

/// <summary>The names the tokens of every provider share, so resource servers can rely on them.</summary>
public static class IdentityVocabulary
{
    /// <summary>The audience of every access token: the consortium's services as one resource.</summary>
    public const string Audience = "cart-consortium";

    public const string CountryClaim = "country";
    public const string OrgClaim = "org";
    public const string RoleClaim = "role";

    public static class Roles
    {
        public const string HospitalCoordinator = "hospital_coordinator";
        public const string Clinician = "clinician";
        public const string ProcurementOfficer = "procurement_officer";
        public const string RegulatoryOfficer = "regulatory_officer";
        public const string ManufacturingSite = "manufacturing_site";
        public const string ConsortiumAdmin = "consortium_admin";
    }

    public static readonly FrozenSet<string> KnownRoles = FrozenSet.Create(StringComparer.Ordinal,
        Roles.HospitalCoordinator, Roles.Clinician, Roles.ProcurementOfficer,
        Roles.RegulatoryOfficer, Roles.ManufacturingSite, Roles.ConsortiumAdmin);

    /// <summary>One scope per service; each grants the audience <see cref="Audience"/>.</summary>
    public static readonly FrozenSet<string> ServiceScopes = FrozenSet.Create(StringComparer.Ordinal,
        "registry", "procurement", "approvals", "slots");

    /// <summary>The OpenID Connect scopes, meaningful only when a person signs in.</summary>
    public static readonly FrozenSet<string> PersonScopes = FrozenSet.Create(StringComparer.Ordinal,
        "openid", "profile", "offline_access");
}
