namespace CarTConsortium.BuildingBlocks.Security;

/// <summary>The roles a country identity provider may put in a token (ARCHITECTURE.md, "Identity and access").</summary>
public static class Roles
{
    public const string HospitalCoordinator = "hospital_coordinator";
    public const string Clinician = "clinician";
    public const string ProcurementOfficer = "procurement_officer";
    public const string RegulatoryOfficer = "regulatory_officer";
    public const string ManufacturingSite = "manufacturing_site";

    /// <summary>Issued only by the consortium's own provider; a country provider that claims it is rejected.</summary>
    public const string ConsortiumAdmin = "consortium_admin";

    public static IReadOnlyList<string> All { get; } =
        [HospitalCoordinator, Clinician, ProcurementOfficer, RegulatoryOfficer, ManufacturingSite, ConsortiumAdmin];
}

/// <summary>The claim types the platform reads from an access token.</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string ClientId = "client_id";
    public const string Issuer = "iss";

    /// <summary>ISO 3166-1 alpha-2 code of the country whose provider issued the token.</summary>
    public const string Country = "country";

    /// <summary>The institution the caller acts for (a registry institution id).</summary>
    public const string Org = "org";

    public const string Role = "role";

    /// <summary>Space-separated scopes; one per service (registry, procurement, approvals, slots).</summary>
    public const string Scope = "scope";

    /// <summary>The audience every platform access token is issued for.</summary>
    public const string Audience = "cart-consortium";
}
