using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>One trusted issuer of a Federation section (as FederationOptions binds it).</summary>
internal sealed record TrustedIssuer(int Index, string? Issuer, string? Country, bool Consortium, string? MetadataAddress)
{
    /// <summary>What the issuer may speak for: a country code, or "consortium".</summary>
    public string Binding => Consortium ? "consortium" : Country ?? "(nothing)";

    public string DiscoveryAddress => MetadataAddress ?? (Issuer ?? "").TrimEnd('/') + "/.well-known/openid-configuration";
}

/// <summary>An identity provider as deployed somewhere: its app, issuer and country (null for the consortium).</summary>
internal sealed record DeployedProvider(string AppId, string? Issuer, string? Country, int? Port)
{
    public string Binding => Country ?? "consortium";
}

/// <summary>
/// The federation: identity providers deployed in tye.yaml and Kubernetes, and the Federation
/// settings with which the gateway and every service trust exactly those, each bound to its country.
/// </summary>
public sealed partial class FederationTests
{
    private const string ExpectedAudience = "cart-consortium";

    [Fact]
    public void Every_host_as_run_by_tye_and_in_kubernetes_has_a_valid_Federation_section_and_ships_no_issuer_of_its_own()
    {
        var tye = Files.LoadTye();
        var manifests = Files.KubernetesManifests();
        var problems = new Problems();
        foreach (var host in Files.Hosts())
        {
            // The deployment's list is the only one: an environment overrides array positions, not the array,
            // so a shipped issuer at a position the deployment does not set would stay trusted.
            foreach (var key in host.Settings.Keys.Where(k => k.StartsWith("Federation:Issuers", StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{Files.Show(host.File)}: sets {key}; the trusted issuers come from the deployment only (tye.yaml, the ConfigMap federation, the standalone's settings)");
            }
            var service = tye.Projects.FirstOrDefault(s => s.Name == host.AppId);
            problems.Expect(service is not null, $"{Files.Tye}: no service '{host.AppId}' ({Files.Show(host.File)})");
            if (service is not null)
            {
                CheckFederation($"{Files.Tye} (service {service.Name}; {Files.Show(host.File)} with its env)", Files.Overlay(host.Settings, service.Env), problems);
            }
            var deployment = manifests.FirstOrDefault(m => m.Kind == "Deployment" && m.Name == host.AppId);
            var container = deployment is null ? null : Files.AppContainer(deployment);
            problems.Expect(container is not null, $"{Files.Kubernetes}: no Deployment with a container '{host.AppId}' ({Files.Show(host.File)})");
            if (container is not null)
            {
                CheckFederation($"{deployment!.Where} ({Files.Show(host.File)} with the container's env)", Files.Overlay(host.Settings, container.Environment(manifests)), problems);
            }
        }
        problems.ThrowIfAny("Federation settings are invalid");
    }

    [Fact]
    public void Kubernetes_apps_trust_exactly_the_identity_providers_deployed_in_kubernetes()
    {
        var problems = new Problems();

        CheckKubernetesFederation(Files.KubernetesManifests(), problems);

        problems.ThrowIfAny("The federation in Kubernetes is wrong");
    }

    /// <summary>
    /// The apps of some manifests trust exactly the identity providers deployed there (plus <paramref name="external"/>
    /// issuers, "issuer (country)"), each reachable through an Ingress rule for its issuer's host.
    /// </summary>
    internal static void CheckKubernetesFederation(IReadOnlyList<Manifest> manifests, Problems problems, params string[] external)
    {

        var providers = new List<DeployedProvider>();
        foreach (var deployment in manifests.Where(m => m.Kind == "Deployment" && Files.KindOf(m.Name ?? "") == AppKind.IdentityProvider))
        {
            var container = Files.AppContainer(deployment);
            if (container is null)
            {
                problems.Add($"{deployment.Where}: no container named '{deployment.Name}'");
                continue;
            }
            foreach (var missing in container.MissingConfigMaps(manifests))
            {
                problems.Add($"{deployment.Where}: envFrom names ConfigMap '{missing}', which {Files.Kubernetes} does not define");
            }
            var settings = Files.Overlay(Files.IdentityHostSettingsFlat(), container.Environment(manifests));
            // In the cluster a provider listens where its Deployment says (each pod has its own address).
            var provider = Provider(deployment.Name!, settings, new Dictionary<string, AppPorts> { [deployment.Name!] = new(container.Ports.GetValueOrDefault("http"), null) });
            CheckProvider(deployment.Where, provider, problems);
            problems.Expect(Uri.TryCreate(provider.Issuer, UriKind.Absolute, out var issuer) && issuer.Scheme == Uri.UriSchemeHttps,
                $"{deployment.Where}: Identity:Issuer '{provider.Issuer}' is not an https URL (a deployment's issuer is public and uses TLS)");
            CheckSharedDatabase(deployment, container, settings, manifests, problems);
            providers.Add(provider);
        }
        problems.Expect(providers.Count > 0, $"{Files.Kubernetes}: no identity provider Deployment (identity-*)");

        foreach (var deployment in manifests.Where(m => m.Kind == "Deployment" && Files.KindOf(m.Name ?? "") != AppKind.IdentityProvider))
        {
            var container = Files.AppContainer(deployment);
            var host = Files.Hosts().FirstOrDefault(h => h.AppId == deployment.Name);
            if (container is null || host is null)
            {
                problems.Add($"{deployment.Where}: no container named '{deployment.Name}' or no host with that app id");
                continue;
            }
            foreach (var missing in container.MissingConfigMaps(manifests))
            {
                problems.Add($"{deployment.Where}: envFrom names ConfigMap '{missing}', which {Files.Kubernetes} does not define");
            }
            var settings = Files.Overlay(host.Settings, container.Environment(manifests));
            var where = $"{deployment.Where} ({Files.Show(host.File)} with the container's env)";
            var issuers = CheckFederation(where, settings, problems);
            problems.ExpectSameSet(
                issuers.Select(i => $"{i.Issuer} ({i.Binding})"), $"{where}: Federation:Issuers",
                providers.Select(p => $"{p.Issuer} ({p.Binding})").Concat(external), $"the identity providers of {Files.Kubernetes} and the external ones");

            // Discovery either in-cluster at the provider's Service, or at the issuer URL that the Ingress sends to it.
            foreach (var trusted in issuers)
            {
                var provider = providers.FirstOrDefault(p => p.Issuer == trusted.Issuer);
                if (provider is null || !Uri.TryCreate(trusted.DiscoveryAddress, UriKind.Absolute, out var discovery))
                {
                    continue;
                }
                var inCluster = discovery.Host == provider.AppId && discovery.Port == provider.Port
                    && manifests.Any(m => m.Kind == "Service" && m.Name == provider.AppId);
                var throughIngress = trusted.MetadataAddress is null && Files.IngressRoutes(manifests, discovery.Host) == provider.AppId;
                problems.Expect(inCluster || throughIngress,
                    $"{where}: issuer '{trusted.Issuer}' is fetched from '{trusted.DiscoveryAddress}', which is neither the Service " +
                    $"http://{provider.AppId}:{provider.Port}/ nor a host an Ingress of {Files.Kubernetes} sends to '{provider.AppId}'");
                problems.Expect(discovery.AbsolutePath == "/.well-known/openid-configuration",
                    $"{where}: issuer '{trusted.Issuer}' has the discovery address '{trusted.DiscoveryAddress}', expected a path /.well-known/openid-configuration");
            }
        }

        // Every public issuer is reachable: an Ingress rule for its host sends to its provider.
        foreach (var provider in providers.Where(p => Uri.TryCreate(p.Issuer, UriKind.Absolute, out _)))
        {
            var host = new Uri(provider.Issuer!).Host;
            problems.Expect(Files.IngressRoutes(manifests, host) == provider.AppId,
                $"{Files.Kubernetes}: no Ingress rule sends host '{host}' (issuer of '{provider.AppId}') to the Service '{provider.AppId}' on its http port");
        }
    }

    [Fact]
    public void Tye_apps_trust_exactly_the_identity_providers_tye_runs()
    {
        var tye = Files.LoadTye();
        var plan = Files.StandalonePlan();
        var problems = new Problems();

        var providers = new List<DeployedProvider>();
        foreach (var service in tye.Projects.Where(s => Files.KindOf(s.Name) == AppKind.IdentityProvider))
        {
            var where = $"{Files.Tye} (service {service.Name})";
            var provider = Provider(service.Name, Files.Overlay(Files.IdentityHostSettingsFlat(), service.Env), plan);
            CheckProvider(where, provider, problems);
            // Tye starts projects in the Development environment unless told otherwise, and the
            // identity host's appsettings.Development.json is the KZ `dotnet run` demo.
            var environment = service.Env.GetValueOrDefault("ASPNETCORE_ENVIRONMENT");
            problems.Expect(environment is not null && environment != "Development",
                $"{where}: ASPNETCORE_ENVIRONMENT is '{environment ?? "(unset: Tye's Development)"}'; it must name another environment, or the KZ demo settings load into the provider");
            problems.Expect(Uri.TryCreate(provider.Issuer, UriKind.Absolute, out var issuer) && issuer.IsLoopback && issuer.Port == provider.Port,
                $"{where}: Identity:Issuer '{provider.Issuer}' is not a loopback URL at the provider's port {provider.Port} (tye runs it as a local process)");
            providers.Add(provider);
        }
        problems.Expect(providers.Count > 0, $"{Files.Tye}: no identity provider service (identity-*)");

        foreach (var service in tye.Projects.Where(s => Files.KindOf(s.Name) != AppKind.IdentityProvider))
        {
            var host = Files.Hosts().FirstOrDefault(h => h.AppId == service.Name);
            if (host is null)
            {
                problems.Add($"{Files.Tye}: service '{service.Name}' is no host's app id");
                continue;
            }
            var where = $"{Files.Tye} (service {service.Name}; {Files.Show(host.File)} with its env)";
            var issuers = CheckFederation(where, Files.Overlay(host.Settings, service.Env), problems);
            CheckTrust(where, issuers, providers, $"the identity providers of {Files.Tye}", problems);
            foreach (var trusted in issuers)
            {
                var provider = providers.FirstOrDefault(p => p.Issuer == trusted.Issuer);
                problems.Expect(provider is null || (Uri.TryCreate(trusted.DiscoveryAddress, UriKind.Absolute, out var discovery)
                        && discovery.IsLoopback && discovery.Port == provider.Port),
                    $"{where}: issuer '{trusted.Issuer}' is fetched from '{trusted.DiscoveryAddress}', not from its local provider's port {provider?.Port}");
            }
        }

        problems.ThrowIfAny("The federation in tye.yaml is wrong");
    }

    [Fact]
    public void Identity_providers_use_neither_MongoDB_nor_Dapr()
    {
        var problems = new Problems();
        var forbidden = new[] { "Storage__", "Eventing__", "DAPR_" };
        foreach (var service in Files.LoadTye().Projects.Where(s => Files.KindOf(s.Name) == AppKind.IdentityProvider))
        {
            foreach (var name in service.Env.Keys.Where(n => forbidden.Any(f => n.StartsWith(f, StringComparison.OrdinalIgnoreCase))))
            {
                problems.Add($"{Files.Tye}: identity provider '{service.Name}' sets {name}; identity providers use neither MongoDB nor Dapr");
            }
        }
        var manifests = Files.KubernetesManifests();
        foreach (var deployment in manifests.Where(m => m.Kind == "Deployment" && Files.KindOf(m.Name ?? "") == AppKind.IdentityProvider))
        {
            var container = Files.AppContainer(deployment);
            foreach (var name in container?.Environment(manifests).Keys.Concat(container.Env.Select(e => Yaml.Str(e, "name") ?? "")) ?? [])
            {
                problems.Expect(!forbidden.Any(f => name.StartsWith(f, StringComparison.OrdinalIgnoreCase)),
                    $"{deployment.Where}: sets {name}; identity providers use neither MongoDB nor Dapr");
            }
        }
        var shared = Files.IdentityHostSettingsFlat();
        foreach (var key in shared.Keys.Where(k => k.StartsWith("Storage:", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Eventing:", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{Files.IdentityHostSettings}: has {key}; identity providers use neither MongoDB nor Dapr");
        }
        // The shared settings must not make every provider somebody in particular.
        foreach (var key in new[] { "Identity:Issuer", "Identity:Country", "Identity:Database" })
        {
            problems.Expect(!shared.ContainsKey(key), $"{Files.IdentityHostSettings}: sets {key}, which each provider must get from its own environment");
        }
        problems.Expect(!shared.Keys.Any(k => k.StartsWith("Identity:Users:", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Identity:Clients:", StringComparison.OrdinalIgnoreCase)),
            $"{Files.IdentityHostSettings}: has clients or users; they belong to one provider's Secret, not to every provider's image");
        problems.ThrowIfAny("Identity providers are configured like services");
    }

    [Fact]
    public void The_gateway_has_valid_rate_limits_for_known_countries()
    {
        var gateway = Files.Hosts().Single(h => h.IsGateway);
        // Its issuers (the countries a quota may name) come from the cluster's ConfigMap, as it runs there.
        var manifests = Files.KubernetesManifests();
        var container = Files.AppContainer(manifests.Single(m => m.Kind == "Deployment" && m.Name == Files.GatewayAppId))!;
        var settings = Files.Overlay(gateway.Settings, container.Environment(manifests));
        var where = $"{Files.Show(gateway.File)} with the env of {Files.Kubernetes}";
        var problems = new Problems();

        void CheckQuota(string path)
        {
            var limit = Files.ParseInt(settings.GetValueOrDefault($"{path}:PermitLimit"));
            var window = settings.GetValueOrDefault($"{path}:Window");
            problems.Expect(limit is > 0, $"{where}: {path}:PermitLimit is '{settings.GetValueOrDefault($"{path}:PermitLimit")}', expected a positive number");
            problems.Expect(window is null || (TimeSpan.TryParse(window, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero),
                $"{where}: {path}:Window is '{window}', expected a positive time span (hh:mm:ss)");
        }

        CheckQuota("RateLimits:PerCountry");
        CheckQuota("RateLimits:PerClient");
        var countries = Issuers(settings).Select(i => i.Binding).ToHashSet(StringComparer.Ordinal);
        foreach (var key in QuotaNames(settings, "RateLimits:Countries"))
        {
            problems.Expect(countries.Contains(key),
                $"{where}: RateLimits:Countries:{key} names no country of Federation:Issuers nor \"consortium\" ([{string.Join(", ", countries)}])");
            CheckQuota($"RateLimits:Countries:{key}");
        }
        foreach (var key in QuotaNames(settings, "RateLimits:Clients"))
        {
            CheckQuota($"RateLimits:Clients:{key}");
        }
        problems.ThrowIfAny("The gateway's rate limits are wrong");
    }

    /// <summary>The Federation section of some settings, checked as FederationOptionsValidator checks it, and stricter.</summary>
    private static List<TrustedIssuer> CheckFederation(string where, IReadOnlyDictionary<string, string> settings, Problems problems)
    {
        var issuers = Issuers(settings);
        problems.Expect(issuers.Count > 0, $"{where}: no Federation:Issuers (the app refuses to start without a trusted issuer)");
        var audience = settings.GetValueOrDefault("Federation:Audience");
        problems.Expect(audience is null || audience == ExpectedAudience, $"{where}: Federation:Audience is '{audience}', expected '{ExpectedAudience}'");
        var requireHttps = settings.GetValueOrDefault("Federation:RequireHttpsMetadata");
        problems.Expect(requireHttps is null || bool.TryParse(requireHttps, out _), $"{where}: Federation:RequireHttpsMetadata is '{requireHttps}', not true or false");
        var httpsOnly = requireHttps is null || !bool.TryParse(requireHttps, out var parsed) || parsed;
        foreach (var key in new[] { "ClockSkew", "MetadataRefreshInterval", "KeyRefreshInterval" })
        {
            var value = settings.GetValueOrDefault($"Federation:{key}");
            problems.Expect(value is null || (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero),
                $"{where}: Federation:{key} is '{value}', not a time span");
        }
        foreach (var issuer in issuers)
        {
            var at = $"{where}: Federation:Issuers:{issuer.Index}";
            problems.Expect(Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                $"{at}:Issuer '{issuer.Issuer}' is not an absolute http(s) URL");
            problems.Expect(issuer.Consortium != (issuer.Country is not null),
                $"{at} must name either a Country or Consortium: true, not both or neither");
            problems.Expect(issuer.Country is null || CountryCode().IsMatch(issuer.Country),
                $"{at}:Country '{issuer.Country}' is not an ISO 3166-1 alpha-2 code in capitals");
            if (issuer.MetadataAddress is not null)
            {
                problems.Expect(Uri.TryCreate(issuer.MetadataAddress, UriKind.Absolute, out _), $"{at}:MetadataAddress '{issuer.MetadataAddress}' is not an absolute URL");
            }
            problems.Expect(!httpsOnly || issuer.DiscoveryAddress.StartsWith("https://", StringComparison.Ordinal),
                $"{at}: discovery at '{issuer.DiscoveryAddress}' is not https while Federation:RequireHttpsMetadata is true (the app cannot fetch it)");
        }
        foreach (var duplicate in issuers.GroupBy(i => i.Issuer, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"{where}: issuer '{duplicate.Key}' is listed {duplicate.Count()} times");
        }
        foreach (var duplicate in issuers.Where(i => i.Country is not null).GroupBy(i => i.Country, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"{where}: country {duplicate.Key} is bound to {duplicate.Count()} issuers");
        }
        var consortium = issuers.Count(i => i.Consortium);
        problems.Expect(consortium == 1, $"{where}: {consortium} issuers have Consortium: true, expected exactly one");
        return issuers;
    }

    /// <summary>The trusted issuers are the deployed providers, each with the same country binding.</summary>
    private static void CheckTrust(string where, List<TrustedIssuer> issuers, List<DeployedProvider> providers, string providersSource, Problems problems)
    {
        problems.ExpectSameSet(
            issuers.Select(i => $"{i.Issuer} ({i.Binding})"), $"{where}: Federation:Issuers",
            providers.Select(p => $"{p.Issuer} ({p.Binding})"), providersSource);
    }

    private static List<TrustedIssuer> Issuers(IReadOnlyDictionary<string, string> settings)
    {
        const string prefix = "Federation:Issuers:";
        return settings.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(k => Files.ParseInt(k[prefix.Length..].Split(':')[0]))
            .OfType<int>()
            .Distinct()
            .Order()
            .Select(i =>
            {
                string? Value(string key) => settings.GetValueOrDefault($"{prefix}{i}:{key}") is { Length: > 0 } v ? v : null;
                return new TrustedIssuer(i, Value("Issuer"), Value("Country"),
                    bool.TryParse(Value("Consortium"), out var consortium) && consortium, Value("MetadataAddress"));
            })
            .ToList();
    }

    private static IEnumerable<string> QuotaNames(IReadOnlyDictionary<string, string> settings, string path) =>
        settings.Keys.Where(k => k.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase))
            .Select(k => k[(path.Length + 1)..].Split(':')[0])
            .Distinct(StringComparer.OrdinalIgnoreCase);

    private static DeployedProvider Provider(string appId, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, AppPorts> plan) =>
        new(appId,
            settings.GetValueOrDefault("Identity:Issuer"),
            settings.GetValueOrDefault("Identity:Country") is { } country && !string.IsNullOrWhiteSpace(country) ? country.Trim() : null,
            plan.GetValueOrDefault(appId)?.Http);

    /// <summary>A provider's own settings: an issuer, and the country its app id names (none for the consortium's).</summary>
    private static void CheckProvider(string where, DeployedProvider provider, Problems problems)
    {
        problems.Expect(Uri.TryCreate(provider.Issuer, UriKind.Absolute, out _), $"{where}: Identity:Issuer '{provider.Issuer}' is not an absolute URL");
        var expected = Files.CountryOf(provider.AppId);
        problems.Expect(provider.Country == expected,
            $"{where}: Identity:Country is '{provider.Country ?? "(none)"}' but the app '{provider.AppId}' is {(expected is null ? "the consortium's provider (no country)" : $"the provider of {expected}")}");
        problems.Expect(provider.Port is not null, $"{where}: '{provider.AppId}' has no http port (tye: HttpPort in {Files.StandaloneSettings}; Kubernetes: its container port http)");
    }

    /// <summary>
    /// A Kubernetes provider keeps its keys, clients, users and data-protection keys in its own PostgreSQL
    /// database, shared by its replicas (no volume of its own): the connection string from its Secret.
    /// </summary>
    private static void CheckSharedDatabase(Manifest deployment, Container container, IReadOnlyDictionary<string, string> settings, IReadOnlyList<Manifest> manifests, Problems problems)
    {
        problems.Expect(settings.GetValueOrDefault("Identity:DatabaseProvider") == "PostgreSql",
            $"{deployment.Where}: Identity:DatabaseProvider is '{settings.GetValueOrDefault("Identity:DatabaseProvider")}', expected PostgreSql (the replicas share one database)");
        var secret = Yaml.Map(container.EnvEntry("Identity__Database"), "valueFrom", "secretKeyRef");
        problems.Expect(Yaml.Str(secret, "name") == deployment.Name && Yaml.Str(secret, "key") == "database",
            $"{deployment.Where}: env Identity__Database comes from {Yaml.Describe(secret)}, expected secretKeyRef name {deployment.Name}, key database");
        problems.Expect(!manifests.Any(m => m.Kind == "PersistentVolumeClaim"),
            $"{deployment.Where}: {Files.Kubernetes} still has a PersistentVolumeClaim; the providers' data lives in PostgreSQL");
        var replicas = Yaml.Int(deployment.Doc, "spec", "replicas");
        problems.Expect(replicas >= 2, $"{deployment.Where}: {replicas?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "1"} replica(s), expected at least 2");
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();
}
