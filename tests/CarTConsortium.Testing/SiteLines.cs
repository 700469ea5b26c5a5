using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Testing;

/// <summary>
/// Slots bounds a run by the lines its site has in the registry (issue 15). A suite or benchmark
/// that needs bigger runs than a demo site has first gives the site more lines, as its admin would.
/// </summary>
public static class SiteLines
{
    /// <summary>The site with <paramref name="lines"/> production lines in the registry; slots learns it by event a moment later.</summary>
    public static async Task RaiseAsync(RegistryService.RegistryServiceClient admin, string siteId, int lines, CancellationToken ct = default)
    {
        var site = await admin.GetInstitutionAsync(new GetInstitutionRequest { InstitutionId = siteId }, cancellationToken: ct);
        var capabilities = site.Capabilities?.Clone() ?? new Capabilities();
        capabilities.ProductionLines = lines;
        await admin.UpdateInstitutionAsync(new UpdateInstitutionRequest
        {
            InstitutionId = site.InstitutionId,
            Name = site.Name,
            Accreditation = site.Accreditation,
            Capabilities = capabilities,
            HubInstitutionId = site.HubInstitutionId,
            ExpectedRevision = site.Revision.Version,
        }, cancellationToken: ct);
    }

    /// <summary>Settings for a platform whose tests book far more for one hospital than an institution may hold: the limits are the slots tests' subject.</summary>
    public static IReadOnlyDictionary<string, string?> UnlimitedHolds { get; } = new Dictionary<string, string?>
    {
        ["Slots:InstitutionLimits:MaxActive"] = "1000",
        ["Slots:InstitutionLimits:MaxUnconfirmed"] = "1000",
    };
}
