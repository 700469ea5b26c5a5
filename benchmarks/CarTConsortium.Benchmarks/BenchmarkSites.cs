using System.Globalization;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Testing;
using Grpc.Core;
using Microsoft.Extensions.Configuration;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Two manufacturing sites the demo does not have, for the release day's five (issue 17): the benchmark adds a client
/// identity for each to the Kazakh provider (settings of this run only, beside the demo file's clients) and registers
/// them in the registry as the consortium admin would, copying the Astana site's accreditation. Kazakh sites, so the
/// Astana hospital books there under no cross-border agreement; the demo data the tests rely on is not touched.
/// </summary>
public static class BenchmarkSites
{
    private const string Provider = "identity-kz";

    /// <summary>The sites the benchmark adds, each with its manufacturing system's client.</summary>
    public static IReadOnlyList<(string SiteId, string Name, DemoIdentity Publisher)> Added { get; } =
    [
        ("kz-bench-almaty-cell-lab", "Benchmark cell lab, Almaty", new DemoIdentity("kz-bench-almaty-cell-lab-mes", Provider)),
        ("kz-bench-karaganda-cell-lab", "Benchmark cell lab, Karaganda", new DemoIdentity("kz-bench-karaganda-cell-lab-mes", Provider)),
    ];

    /// <summary>The Kazakh provider's settings adding the sites' clients after the demo file's own (configuration arrays merge by index).</summary>
    public static IReadOnlyDictionary<string, string?> ProviderSettings()
    {
        var demo = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "identity", Provider + ".json"), optional: false)
            .Build();
        var first = demo.GetSection("Identity:Clients").GetChildren().Count();
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < Added.Count; i++)
        {
            var at = $"Identity:Clients:{(first + i).ToString(CultureInfo.InvariantCulture)}";
            var (siteId, name, publisher) = Added[i];
            settings[$"{at}:ClientId"] = publisher.ClientId;
            settings[$"{at}:ClientSecret"] = DemoIdentity.Secret;
            settings[$"{at}:DisplayName"] = name + ": manufacturing execution system";
            settings[$"{at}:Org"] = siteId;
            settings[$"{at}:Roles:0"] = Roles.ManufacturingSite;
            // The scopes every demo client has (the benchmark's token requests ask for all four).
            string[] scopes = ["registry", "procurement", "approvals", "slots"];
            for (var s = 0; s < scopes.Length; s++)
            {
                settings[$"{at}:Scopes:{s.ToString(CultureInfo.InvariantCulture)}"] = scopes[s];
            }
        }
        return settings;
    }

    /// <summary>
    /// The site in the registry with <paramref name="lines"/> production lines: registered if it is one of <see cref="Added"/> and not
    /// there yet (a kept data folder has it from an earlier run), else its lines raised. Slots learns it by event a moment later.
    /// </summary>
    public static async Task EnsureLinesAsync(RegistryService.RegistryServiceClient admin, string siteId, int lines, CancellationToken ct)
    {
        var added = Added.FirstOrDefault(site => site.SiteId == siteId);
        if (added.SiteId is null || await ExistsAsync(admin, siteId, ct))
        {
            await SiteLines.RaiseAsync(admin, siteId, lines, ct);
            return;
        }
        var model = await admin.GetInstitutionAsync(new GetInstitutionRequest { InstitutionId = Identities.SiteId }, cancellationToken: ct);
        var capabilities = model.Capabilities?.Clone() ?? new Capabilities();
        capabilities.ProductionLines = lines;
        await admin.RegisterInstitutionAsync(new RegisterInstitutionRequest
        {
            InstitutionId = siteId,
            Name = added.Name,
            CountryCode = model.CountryCode,
            Kind = InstitutionKind.ManufacturingSite,
            Accreditation = model.Accreditation,
            Capabilities = capabilities,
        }, cancellationToken: ct);
    }

    private static async Task<bool> ExistsAsync(RegistryService.RegistryServiceClient admin, string siteId, CancellationToken ct)
    {
        try
        {
            await admin.GetInstitutionAsync(new GetInstitutionRequest { InstitutionId = siteId }, cancellationToken: ct);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return false;
        }
    }
}
