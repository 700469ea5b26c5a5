using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>
/// The same apps, at the same ports, in every file that names them: the standalone port plan
/// (services/Standalone/appsettings.json) is the reference the others are compared with.
/// </summary>
public sealed class AppsAndPortsTests
{
    [Fact]
    public void App_ids_are_the_same_in_tye_kubernetes_the_standalone_plan_and_the_hosts()
    {
        var plan = Files.StandalonePlan();
        var planSource = $"{Files.StandaloneSettings} Standalone:Apps";
        var problems = new Problems();

        var hosts = Files.Hosts();
        // The identity providers are apps of one host of their own, told apart by the environment.
        var hosted = plan.Keys.Where(app => Files.KindOf(app) != AppKind.IdentityProvider).ToList();
        problems.ExpectSameSet(hosts.Select(h => h.AppId), "the hosts' appsettings.json (Eventing:AppId; the gateway is \"gateway\")",
            hosted, $"{planSource} (without the identity-* providers)");
        if (plan.Keys.Any(app => Files.KindOf(app) == AppKind.IdentityProvider))
        {
            problems.Expect(File.Exists(Repo.PathOf(Files.IdentityHostProject)) && File.Exists(Repo.PathOf(Files.IdentityHostSettings)),
                $"{planSource} plans identity providers but {Files.IdentityHostProject} or its appsettings.json is missing");
        }
        problems.Expect(plan.ContainsKey(Files.GatewayAppId), $"{planSource} has no '{Files.GatewayAppId}'");
        problems.Expect(plan.Keys.Count(app => app == Files.ConsortiumIdentityAppId) == 1 || !plan.Keys.Any(app => Files.KindOf(app) == AppKind.IdentityProvider),
            $"{planSource} plans country identity providers but no '{Files.ConsortiumIdentityAppId}'");
        foreach (var app in plan.Keys.Where(app => Files.KindOf(app) == AppKind.IdentityProvider && app != Files.ConsortiumIdentityAppId))
        {
            problems.Expect(System.Text.RegularExpressions.Regex.IsMatch(app, "^identity-[a-z]{2}$"),
                $"{planSource}: identity provider '{app}' is not named identity-<ISO 3166-1 alpha-2 code in lower case>");
        }
        foreach (var duplicate in hosts.GroupBy(h => h.AppId).Where(g => g.Count() > 1))
        {
            problems.Add($"app id '{duplicate.Key}' is the Eventing:AppId of {string.Join(" and ", duplicate.Select(h => Files.Show(h.File)))}");
        }

        var tye = Files.LoadTye();
        problems.ExpectSameSet(tye.Projects.Select(s => s.Name), $"{Files.Tye} project services", plan.Keys, planSource);
        foreach (var container in tye.Services.Where(s => s.Project is null && s.Image is null))
        {
            problems.Add($"{Files.Tye}: service '{container.Name}' has neither project nor image");
        }

        var deployments = Files.KubernetesManifests().Where(m => m.Kind == "Deployment").ToList();
        problems.ExpectSameSet(deployments.Select(d => d.Name ?? "(unnamed)"), $"{Files.Kubernetes} Deployments", plan.Keys, planSource);

        problems.ThrowIfAny("App ids disagree");
    }

    [Fact]
    public void Each_tye_project_is_the_host_of_the_app_it_is_named_after()
    {
        var hosts = Files.Hosts();
        var problems = new Problems();
        foreach (var service in Files.LoadTye().Projects)
        {
            if (Files.KindOf(service.Name) == AppKind.IdentityProvider)
            {
                problems.Expect(Repo.PathOf(service.Project!) == Repo.PathOf(Files.IdentityHostProject),
                    $"{Files.Tye}: identity provider '{service.Name}' runs project '{service.Project}', expected {Files.IdentityHostProject}");
                continue;
            }
            var host = hosts.FirstOrDefault(h => h.AppId == service.Name);
            if (host is null)
            {
                problems.Add($"{Files.Tye}: service '{service.Name}' is no host's app id (Eventing:AppId)");
                continue;
            }
            var project = Repo.PathOf(service.Project!);
            problems.Expect(project == host.ProjectFile,
                $"{Files.Tye}: service '{service.Name}' runs project '{service.Project}' but the host with Eventing:AppId '{service.Name}' " +
                $"is {Files.Show(host.ProjectFile)} (settings {Files.Show(host.File)})");
        }
        problems.ThrowIfAny("Tye runs the wrong projects");
    }

    // Fails until the host projects exist and are added to the solution.
    [Fact]
    public void Every_tye_project_exists_and_is_listed_in_the_solution()
    {
        var solution = Files.SolutionProjects();
        var problems = new Problems();
        var unlisted = 0;
        foreach (var service in Files.LoadTye().Projects)
        {
            var project = Repo.PathOf(service.Project!);
            problems.Expect(File.Exists(project), $"{Files.Tye}: service '{service.Name}' project '{service.Project}' does not exist");
            if (!solution.Contains(project, StringComparer.Ordinal))
            {
                unlisted++;
                problems.Add($"{Files.Tye}: service '{service.Name}' project '{service.Project}' is not listed in {Repo.SolutionFile}");
            }
        }
        if (unlisted > 0)
        {
            problems.Add($"{Repo.SolutionFile} lists: {string.Join(", ", solution.Select(Files.Show))}");
        }
        problems.ThrowIfAny("Tye projects are missing");
    }

    [Fact]
    public void Ports_agree_across_tye_the_hosts_the_standalone_plan_and_kubernetes()
    {
        var plan = Files.StandalonePlan();
        var problems = new Problems();

        foreach (var (app, ports) in plan)
        {
            if (Files.KindOf(app) is AppKind.IdentityProvider or AppKind.Portal)
            {
                // OpenID Connect and the browser are HTTP/1.1: an identity provider and the portal have no grpc port.
                problems.Expect(ports.Http is not null && ports.Grpc is null,
                    $"{Files.StandaloneSettings}: Standalone:Apps:{app} has {ports}: an identity provider or the portal has an HttpPort and no GrpcPort");
                continue;
            }
            problems.Expect(ports.Http is not null && ports.Grpc is not null,
                $"{Files.StandaloneSettings}: Standalone:Apps:{app} has {ports}: both HttpPort and GrpcPort are needed");
        }
        foreach (var group in plan.SelectMany(p => new[] { (p.Key, Port: p.Value.Http), (p.Key, Port: p.Value.Grpc) })
                     .Where(p => p.Port is not null).GroupBy(p => p.Port).Where(g => g.Count() > 1))
        {
            problems.Add($"{Files.StandaloneSettings}: port {group.Key} is planned more than once ({string.Join(", ", group.Select(g => g.Key))})");
        }

        foreach (var host in Files.Hosts())
        {
            if (plan.TryGetValue(host.AppId, out var planned))
            {
                problems.Expect(host.Ports == planned,
                    $"{Files.Show(host.File)}: Kestrel:Endpoints Http/Grpc give {host.Ports} for '{host.AppId}' but {Files.StandaloneSettings} plans {planned}");
            }
        }

        foreach (var service in Files.LoadTye().Projects)
        {
            if (!plan.TryGetValue(service.Name, out var planned))
            {
                continue;
            }
            var bound = new AppPorts(service.Port("http"), service.Port("grpc"));
            problems.Expect(bound == planned,
                $"{Files.Tye}: service '{service.Name}' bindings http/grpc are {bound} but {Files.StandaloneSettings} plans {planned}");
            problems.Expect(service.Bindings.All(b => b.Name is "http" or "grpc"),
                $"{Files.Tye}: service '{service.Name}' has bindings [{string.Join(", ", service.Bindings.Select(b => b.Name))}], expected only http and grpc");
            if (Files.KindOf(service.Name) == AppKind.IdentityProvider)
            {
                // One binary for every provider: the port it listens on comes from the environment.
                var listens = Files.PortsIn(Files.Overlay(Files.IdentityHostSettingsFlat(), service.Env));
                problems.Expect(listens == planned,
                    $"{Files.Tye}: identity provider '{service.Name}' listens on {listens} ({Files.IdentityHostSettings} with its env Kestrel__Endpoints__...) but {Files.StandaloneSettings} plans {planned}");
            }
            // Tye's Dapr extension takes the first binding with protocol http as the app port.
            var firstHttp = service.Bindings.FirstOrDefault(b => b.Protocol == "http");
            problems.Expect(firstHttp?.Name == "http",
                $"{Files.Tye}: service '{service.Name}': the first binding with protocol http is '{firstHttp?.Name ?? "(none)"}', " +
                "but it must be the one named 'http' (Tye's Dapr extension uses it as the app port)");
        }

        var manifests = Files.KubernetesManifests();
        foreach (var deployment in manifests.Where(m => m.Kind == "Deployment"))
        {
            if (deployment.Name is null || !plan.TryGetValue(deployment.Name, out var planned))
            {
                continue;
            }
            var container = Files.AppContainer(deployment);
            if (container is null)
            {
                problems.Add($"{deployment.Where}: no container named '{deployment.Name}'");
                continue;
            }
            var exposed = new AppPorts(container.Ports.GetValueOrDefault("http"), container.Ports.GetValueOrDefault("grpc"));
            problems.Expect(exposed == planned && container.Ports.Keys.All(k => k is "http" or "grpc"),
                $"{deployment.Where}: containerPorts named [{string.Join(", ", container.Ports.Keys)}] are {exposed} but {Files.StandaloneSettings} plans {planned}");
            if (Files.KindOf(deployment.Name) == AppKind.IdentityProvider)
            {
                var listens = Files.PortsIn(Files.Overlay(Files.IdentityHostSettingsFlat(), container.Environment(manifests)));
                problems.Expect(listens == planned,
                    $"{deployment.Where}: the provider listens on {listens} ({Files.IdentityHostSettings} with the container's env) but {Files.StandaloneSettings} plans {planned}");
            }
        }

        foreach (var (app, planned) in plan)
        {
            var service = manifests.FirstOrDefault(m => m.Kind == "Service" && m.Name == app);
            if (service is null)
            {
                problems.Add($"{Files.Kubernetes}: no Service named '{app}'");
                continue;
            }
            var servicePorts = Yaml.Seq(service.Doc, "spec", "ports").Select(p => Yaml.Str(p, "name") ?? "(unnamed)").ToList();
            var expectedNames = planned.Grpc is null ? new[] { "http" } : ["http", "grpc"];
            problems.ExpectSameSet(servicePorts, $"{service.Where} port names", expectedNames, $"the ports {Files.StandaloneSettings} plans for '{app}'");
            foreach (var (portName, number) in new[] { ("http", planned.Http), ("grpc", planned.Grpc) }.Where(p => p.Item2 is not null))
            {
                var port = Yaml.Seq(service.Doc, "spec", "ports").FirstOrDefault(p => Yaml.Str(p, "name") == portName);
                var target = Yaml.Str(port, "targetPort");
                problems.Expect(Yaml.Int(port, "port") == number && (target == portName || Files.ParseInt(target) == number),
                    $"{service.Where}: port '{portName}' is {Yaml.Describe(port)} but {Files.StandaloneSettings} plans {number} " +
                    $"(port {number}, targetPort {portName} or {number})");
            }
        }

        problems.ThrowIfAny("Ports disagree");
    }

    [Fact]
    public void Dapr_sidecars_carry_each_services_app_id_and_http_port_and_the_gateway_and_identity_providers_have_none()
    {
        var plan = Files.StandalonePlan();
        var hosts = Files.Hosts();
        var problems = new Problems();

        foreach (var deployment in Files.KubernetesManifests().Where(m => m.Kind == "Deployment"))
        {
            var annotations = Yaml.Map(deployment.Doc, "spec", "template", "metadata", "annotations") ?? [];
            string? Annotation(string key) => Yaml.Str(annotations, key);
            if (Files.KindOf(deployment.Name ?? "") is AppKind.Gateway or AppKind.IdentityProvider or AppKind.Portal)
            {
                problems.Expect(annotations.Keys.All(k => !k.StartsWith("dapr.io/", StringComparison.Ordinal)),
                    $"{deployment.Where}: has dapr.io annotations [{string.Join(", ", annotations.Keys)}], but the {Files.KindOf(deployment.Name ?? "")} has no sidecar");
                continue;
            }
            var host = hosts.FirstOrDefault(h => h.AppId == deployment.Name);
            problems.Expect(Annotation("dapr.io/enabled") == "true", $"{deployment.Where}: dapr.io/enabled is '{Annotation("dapr.io/enabled")}', expected \"true\"");
            if (host is null)
            {
                problems.Add($"{deployment.Where}: no host's appsettings.json has Eventing:AppId '{deployment.Name}'");
            }
            else
            {
                problems.Expect(Annotation("dapr.io/app-id") == host.AppId,
                    $"{deployment.Where}: dapr.io/app-id is '{Annotation("dapr.io/app-id")}' but {Files.Show(host.File)} Eventing:AppId is '{host.AppId}'");
            }
            var http = plan.GetValueOrDefault(deployment.Name ?? "")?.Http;
            problems.Expect(http is not null && Files.ParseInt(Annotation("dapr.io/app-port")) == http,
                $"{deployment.Where}: dapr.io/app-port is '{Annotation("dapr.io/app-port")}' but the http port is {http}");
            problems.Expect(Annotation("dapr.io/app-protocol") == "http",
                $"{deployment.Where}: dapr.io/app-protocol is '{Annotation("dapr.io/app-protocol")}', expected \"http\"");
        }

        var tye = Files.LoadTye();
        if (tye.DaprExtension is null)
        {
            problems.Add($"{Files.Tye}: no extension named dapr");
        }
        else
        {
            var componentsPath = Yaml.Str(tye.DaprExtension, "components-path");
            problems.Expect(componentsPath is not null && Repo.PathOf(componentsPath) == Repo.PathOf(Files.DaprComponents),
                $"{Files.Tye}: the dapr extension's components-path is '{componentsPath}', expected '{Files.DaprComponents}'");
            foreach (var service in tye.Projects)
            {
                var overrides = Yaml.Map(tye.DaprExtension, "services", service.Name);
                var enabled = Yaml.Str(overrides, "enabled");
                var appId = Yaml.Str(overrides, "app-id");
                if (Files.KindOf(service.Name) is AppKind.Gateway or AppKind.IdentityProvider or AppKind.Portal)
                {
                    problems.Expect(enabled == "false",
                        $"{Files.Tye}: the dapr extension must say 'services: {service.Name}: enabled: false' (it says enabled: '{enabled}'), or Tye starts a sidecar for it");
                    continue;
                }
                problems.Expect(enabled is null or "true", $"{Files.Tye}: the dapr extension disables the sidecar of '{service.Name}'");
                problems.Expect(appId is null || appId == service.Name,
                    $"{Files.Tye}: the dapr extension gives '{service.Name}' the app id '{appId}', but its Eventing:AppId is the service name");
            }
        }

        problems.ThrowIfAny("Dapr sidecars disagree with the apps");
    }
}
