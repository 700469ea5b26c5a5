using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>
/// The portal as tye.yaml and Kubernetes deploy it: every identity provider lets people come back to
/// it (its callbacks registered with the provider's consortium-portal client, as the standalone
/// platform does), and its pages link to the gateway's API reference at the gateway's public address.
/// </summary>
public sealed class PortalWiringTests
{
    private const string PortalClientId = "consortium-portal";

    [Fact]
    public void Every_identity_provider_tye_runs_registers_the_portals_callbacks()
    {
        var tye = Files.LoadTye();
        var portal = tye.Projects.SingleOrDefault(s => s.Name == Files.PortalAppId);
        Assert.True(portal?.Port("http") is not null, $"{Files.Tye}: no portal service with an http binding");
        var address = new Uri($"http://127.0.0.1:{portal!.Port("http")}/");

        var problems = new Problems();
        var providers = tye.Projects.Where(s => Files.KindOf(s.Name) == AppKind.IdentityProvider).ToList();
        problems.Expect(providers.Count > 0, $"{Files.Tye}: no identity provider service (identity-*)");
        foreach (var provider in providers)
        {
            CheckPortalClient($"{Files.Tye} (service {provider.Name})", provider.Name,
                Files.Overlay(Files.IdentityHostSettingsFlat(), provider.Env), address, problems);
        }
        problems.ThrowIfAny($"The identity providers of {Files.Tye} would refuse to send people back to the portal");
    }

    [Fact]
    public void Every_identity_provider_in_kubernetes_registers_the_portals_callbacks_at_its_public_address()
    {
        var problems = new Problems();

        CheckKubernetesPortalClients(Files.KubernetesManifests(), problems);

        problems.ThrowIfAny($"The identity providers of {Files.Kubernetes} would refuse to send people back to the portal");
    }

    /// <summary>Every identity provider Deployment of some manifests registers the portal's callbacks at the portal's public address.</summary>
    internal static void CheckKubernetesPortalClients(IReadOnlyList<Manifest> manifests, Problems problems)
    {
        var hosts = Files.IngressHostsOf(manifests, Files.PortalAppId).ToList();
        Assert.True(hosts.Count == 1, $"{Files.Kubernetes}: expected one Ingress host for the Service '{Files.PortalAppId}', found [{string.Join(", ", hosts)}]");
        var address = new Uri($"https://{hosts[0]}/");

        var deployments = manifests.Where(m => m.Kind == "Deployment" && Files.KindOf(m.Name ?? "") == AppKind.IdentityProvider).ToList();
        problems.Expect(deployments.Count > 0, $"{Files.Kubernetes}: no identity provider Deployment (identity-*)");
        foreach (var deployment in deployments)
        {
            var container = Files.AppContainer(deployment);
            if (container is null)
            {
                problems.Add($"{deployment.Where}: no container named '{deployment.Name}'");
                continue;
            }
            CheckPortalClient(deployment.Where, deployment.Name!,
                Files.Overlay(Files.IdentityHostSettingsFlat(), container.Environment(manifests)), address, problems);
        }

        // The clients of the Secret come before it (same list): the Secret's template must not list it a second time.
        var template = Files.Flatten(Repo.PathOf("deploy/identity/appsettings.Production.example.json"));
        problems.Expect(!template.Any(s => s.Key.StartsWith("Identity:Clients:", StringComparison.OrdinalIgnoreCase) && s.Key.EndsWith(":ClientId", StringComparison.OrdinalIgnoreCase) && s.Value == PortalClientId),
            $"deploy/identity/appsettings.Production.example.json: lists '{PortalClientId}', which the Deployments already add (a provider refuses a client id twice)");
    }

    [Fact]
    public void The_portal_links_to_the_gateways_API_reference_at_its_public_address()
    {
        var problems = new Problems();

        var tye = Files.LoadTye();
        var gatewayHttp = tye.Projects.SingleOrDefault(s => s.Name == Files.GatewayAppId)?.Port("http");
        var tyeReference = tye.Projects.SingleOrDefault(s => s.Name == Files.PortalAppId)?.Env.GetValueOrDefault("Portal__ApiReference");
        problems.Expect(Uri.TryCreate(tyeReference, UriKind.Absolute, out var local) && local.IsLoopback && local.Port == gatewayHttp && local.AbsolutePath == "/",
            $"{Files.Tye} (service portal): Portal__ApiReference is '{tyeReference}', expected the gateway's http binding http://127.0.0.1:{gatewayHttp}/");

        var manifests = Files.KubernetesManifests();
        var portal = manifests.SingleOrDefault(m => m.Kind == "Deployment" && m.Name == Files.PortalAppId);
        var reference = portal is null ? null : Files.AppContainer(portal)?.Environment(manifests).GetValueOrDefault("Portal__ApiReference");
        problems.Expect(Uri.TryCreate(reference, UriKind.Absolute, out var published) && published.Scheme == Uri.UriSchemeHttps
                && Files.IngressRoutes(manifests, published.Host) == Files.GatewayAppId,
            $"{Files.Kubernetes} (Deployment portal): Portal__ApiReference is '{reference}', expected an https address that an Ingress sends to the Service '{Files.GatewayAppId}'");
        problems.ThrowIfAny("The portal's API reference link goes nowhere");
    }

    /// <summary>The provider's consortium-portal client: public, and back to this provider's callback and signed-out paths at the portal.</summary>
    private static void CheckPortalClient(string where, string appId, IReadOnlyDictionary<string, string> settings, Uri portal, Problems problems)
    {
        var key = Files.CountryOf(appId)?.ToLowerInvariant() ?? "consortium";
        var client = settings.FirstOrDefault(s => s.Key.StartsWith("Identity:Clients:", StringComparison.OrdinalIgnoreCase)
            && s.Key.EndsWith(":ClientId", StringComparison.OrdinalIgnoreCase) && s.Value == PortalClientId).Key;
        if (client is null)
        {
            problems.Add($"{where}: no client '{PortalClientId}' (the portal's) among Identity:Clients");
            return;
        }
        var prefix = client[..^"ClientId".Length];
        List<string> Values(string list) => [.. settings.Where(s => s.Key.StartsWith(prefix + list + ":", StringComparison.OrdinalIgnoreCase)).Select(s => s.Value)];

        problems.Expect(string.Equals(settings.GetValueOrDefault(prefix + "Public"), "true", StringComparison.OrdinalIgnoreCase),
            $"{where}: the client '{PortalClientId}' is not Public (the portal holds no secret; it signs people in with PKCE)");
        var callback = new Uri(portal, "callback/" + key).ToString();
        problems.Expect(Values("RedirectUris").Contains(callback),
            $"{where}: the client '{PortalClientId}' lacks the redirect URI {callback} ([{string.Join(", ", Values("RedirectUris"))}])");
        var signedOut = new Uri(portal, "signed-out/" + key).ToString();
        problems.Expect(Values("PostLogoutRedirectUris").Contains(signedOut),
            $"{where}: the client '{PortalClientId}' lacks the post-logout redirect URI {signedOut} ([{string.Join(", ", Values("PostLogoutRedirectUris"))}])");
        foreach (var scope in new[] { "openid", "offline_access" })
        {
            problems.Expect(Values("Scopes").Contains(scope), $"{where}: the client '{PortalClientId}' may not ask for the scope '{scope}' (sign-in and silent refresh need it)");
        }
    }
}
