using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Platform.Tests;

/// <summary>A client of one of the demo identity providers, and what its tokens say.</summary>
public sealed record DemoClient(string ClientId, string Provider, string? Country, string Org, string Role)
{
    public override string ToString() => ClientId;
}

/// <summary>
/// The demo clients (services/Standalone/identity/*.json) and the few extra ones the tests
/// add to the KZ provider (<see cref="ExtraKzClients"/>), so every role has a caller in its
/// own institution, another institution of its country, and another country.
/// </summary>
public static class DemoClients
{
    public const string Secret = "demo-secret";

    public static readonly DemoClient Admin = new("consortium-admin", "identity-consortium", null, "consortium-secretariat", Roles.ConsortiumAdmin);

    public static readonly DemoClient KzHospital = new("kz-astana-childrens-his", "identity-kz", "KZ", "kz-astana-childrens", Roles.HospitalCoordinator);
    public static readonly DemoClient KzClinician = new("kz-astana-childrens-emr", "identity-kz", "KZ", "kz-astana-childrens", Roles.Clinician);
    public static readonly DemoClient KzSite = new("kz-ncb-astana-mes", "identity-kz", "KZ", "kz-ncb-astana", Roles.ManufacturingSite);
    public static readonly DemoClient KzProcurement = new("kz-moh-procurement", "identity-kz", "KZ", "kz-ministry-of-health", Roles.ProcurementOfficer);
    public static readonly DemoClient KzRegulatory = new("kz-moh-regulatory", "identity-kz", "KZ", "kz-ministry-of-health", Roles.RegulatoryOfficer);

    public static readonly DemoClient KzOtherHospital = new("kz-almaty-oncology-his", "identity-kz", "KZ", "kz-almaty-oncology", Roles.HospitalCoordinator);
    public static readonly DemoClient KzOtherClinician = new("test-kz-almaty-emr", "identity-kz", "KZ", "kz-almaty-oncology", Roles.Clinician);
    public static readonly DemoClient KzOtherSite = new("test-kz-almaty-cell-lab-mes", "identity-kz", "KZ", "kz-almaty-cell-lab", Roles.ManufacturingSite);
    public static readonly DemoClient KzOtherProcurement = new("test-kz-almaty-procurement", "identity-kz", "KZ", "kz-almaty-health-department", Roles.ProcurementOfficer);
    public static readonly DemoClient KzOtherRegulatory = new("test-kz-almaty-regulatory", "identity-kz", "KZ", "kz-almaty-health-department", Roles.RegulatoryOfficer);

    public static readonly DemoClient UzHospital = new("uz-ncmc-tashkent-his", "identity-uz", "UZ", "uz-ncmc-tashkent", Roles.HospitalCoordinator);
    public static readonly DemoClient UzClinician = new("uz-ncmc-tashkent-emr", "identity-uz", "UZ", "uz-ncmc-tashkent", Roles.Clinician);
    public static readonly DemoClient UzSite = new("uz-tashkent-cell-lab-mes", "identity-uz", "UZ", "uz-tashkent-cell-lab", Roles.ManufacturingSite);
    public static readonly DemoClient UzProcurement = new("uz-moh-procurement", "identity-uz", "UZ", "uz-ministry-of-health", Roles.ProcurementOfficer);
    public static readonly DemoClient UzRegulatory = new("uz-moh-regulatory", "identity-uz", "UZ", "uz-ministry-of-health", Roles.RegulatoryOfficer);

    public static readonly DemoClient KgHospital = new("kg-bishkek-childrens-his", "identity-kg", "KG", "kg-bishkek-childrens", Roles.HospitalCoordinator);
    public static readonly DemoClient KgProcurement = new("kg-moh-procurement", "identity-kg", "KG", "kg-ministry-of-health", Roles.ProcurementOfficer);

    /// <summary>Added to the KZ provider by the tests; index 100 on keeps clear of the demo file's clients.</summary>
    public static IReadOnlyList<DemoClient> ExtraKzClients { get; } = [KzOtherClinician, KzOtherSite, KzOtherProcurement, KzOtherRegulatory];

    public static IReadOnlyDictionary<string, string?> ClientSettings(IEnumerable<DemoClient> clients, int firstIndex = 100) =>
        clients.SelectMany((client, i) => new Dictionary<string, string?>
        {
            [$"Identity:Clients:{firstIndex + i}:ClientId"] = client.ClientId,
            [$"Identity:Clients:{firstIndex + i}:ClientSecret"] = Secret,
            [$"Identity:Clients:{firstIndex + i}:Org"] = client.Org,
            [$"Identity:Clients:{firstIndex + i}:Roles:0"] = client.Role,
            [$"Identity:Clients:{firstIndex + i}:Scopes:0"] = "registry",
            [$"Identity:Clients:{firstIndex + i}:Scopes:1"] = "procurement",
            [$"Identity:Clients:{firstIndex + i}:Scopes:2"] = "approvals",
            [$"Identity:Clients:{firstIndex + i}:Scopes:3"] = "slots",
        }).ToDictionary();
}
