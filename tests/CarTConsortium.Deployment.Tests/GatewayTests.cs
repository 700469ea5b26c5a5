using System.Text.Json;
using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>The gateway's YARP clusters, and the environment variables that move their destinations.</summary>
public sealed class GatewayTests
{
    private const string OverridePrefix = "ReverseProxy__";

    [Fact]
    public void Every_apps_clusters_have_one_destination_at_the_apps_port()
    {
        var plan = Files.StandalonePlan();
        var routes = Files.Routes();
        var clusters = Clusters(routes);
        var problems = new Problems();

        // Only services are behind the gateway: clients reach identity providers at their issuer URLs.
        foreach (var (app, ports) in plan.Where(p => Files.KindOf(p.Key) == AppKind.Service))
        {
            foreach (var (kind, port) in new[] { ("http", ports.Http), ("grpc", ports.Grpc) })
            {
                var id = $"{app}-{kind}";
                if (!clusters.TryGetValue(id, out var cluster))
                {
                    problems.Add($"{Files.GatewayRoutes}: no cluster '{id}' for app '{app}'");
                    continue;
                }
                var destinations = Json.Properties(cluster, "Destinations").ToList();
                problems.Expect(destinations.Count == 1 && destinations[0].Name == app,
                    $"{Files.GatewayRoutes}: cluster '{id}' has destinations [{string.Join(", ", destinations.Select(d => d.Name))}], expected exactly one named '{app}'");
                foreach (var destination in destinations)
                {
                    var address = Json.Text(destination.Value, "Address");
                    problems.Expect(Files.PortOf(address) == port,
                        $"{Files.GatewayRoutes}: cluster '{id}' destination '{destination.Name}' is at '{address}' but {Files.StandaloneSettings} gives '{app}' the {kind} port {port}");
                }
                if (kind == "grpc")
                {
                    // The grpc endpoints are cleartext HTTP/2 only: YARP must not fall back to HTTP/1.1.
                    var version = Json.Text(cluster, "HttpRequest:Version");
                    var policy = Json.Text(cluster, "HttpRequest:VersionPolicy");
                    problems.Expect(version is "2" or "2.0" && policy == "RequestVersionExact",
                        $"{Files.GatewayRoutes}: cluster '{id}' asks for HTTP version '{version}' with policy '{policy}', expected 2 with RequestVersionExact (h2c)");
                }
            }
        }

        foreach (var id in clusters.Keys)
        {
            var known = plan.Keys.Where(a => Files.KindOf(a) == AppKind.Service).Any(a => id == $"{a}-http" || id == $"{a}-grpc");
            problems.Expect(known, $"{Files.GatewayRoutes}: cluster '{id}' is no planned service's '<app>-http' or '<app>-grpc' (identity providers and the gateway have none)");
        }
        foreach (var route in Json.Properties(routes, "ReverseProxy:Routes"))
        {
            var clusterId = Json.Text(route.Value, "ClusterId");
            problems.Expect(clusterId is not null && clusters.ContainsKey(clusterId),
                $"{Files.GatewayRoutes}: route '{route.Name}' sends to cluster '{clusterId}', which does not exist");
        }

        problems.ThrowIfAny("Gateway clusters disagree with the port plan");
    }

    [Fact]
    public void Every_route_requires_a_federated_token()
    {
        var problems = new Problems();
        var routes = Json.Properties(Files.Routes(), "ReverseProxy:Routes").ToList();
        problems.Expect(routes.Count > 0, $"{Files.GatewayRoutes}: no ReverseProxy:Routes");
        foreach (var route in routes)
        {
            var policy = Json.Text(route.Value, "AuthorizationPolicy");
            problems.Expect(policy == "federated",
                $"{Files.GatewayRoutes}: route '{route.Name}' has AuthorizationPolicy '{policy ?? "(none)"}', expected \"federated\"");
        }
        problems.ThrowIfAny("Gateway routes that do not require a federated token");
    }

    [Fact]
    public void Kubernetes_overrides_every_destination_with_the_apps_service_and_port()
    {
        var manifests = Files.KubernetesManifests();
        var problems = new Problems();
        var gateway = manifests.FirstOrDefault(m => m.Kind == "Deployment" && m.Name == Files.GatewayAppId);
        var container = gateway is null ? null : Files.AppContainer(gateway);
        if (gateway is null || container is null)
        {
            problems.Add($"{Files.Kubernetes}: no Deployment '{Files.GatewayAppId}' with a container '{Files.GatewayAppId}'");
            problems.ThrowIfAny("No gateway in Kubernetes");
            return;
        }

        var overrides = container.Env
            .Where(e => (Yaml.Str(e, "name") ?? "").StartsWith(OverridePrefix, StringComparison.Ordinal))
            .GroupBy(e => Yaml.Str(e, "name")!, StringComparer.OrdinalIgnoreCase)
            .ToList();
        foreach (var duplicate in overrides.Where(g => g.Count() > 1))
        {
            problems.Add($"{gateway.Where}: env {duplicate.Key} is set {duplicate.Count()} times");
        }
        var env = overrides.ToDictionary(g => g.Key, g => Yaml.Str(g.Last(), "value"), StringComparer.OrdinalIgnoreCase);
        var services = manifests.Where(m => m.Kind == "Service").ToList();

        CheckOverrides(gateway.Where, env, problems, (destination, expectedPort, address) =>
        {
            // The host must be a Service of the manifests that exposes that port.
            var service = services.FirstOrDefault(s => s.Name == address.Host);
            var exposes = service is not null && Yaml.Seq(service.Doc, "spec", "ports").Any(p => Yaml.Int(p, "port") == expectedPort);
            return exposes ? null : $"host '{address.Host}' is no Service in {Files.Kubernetes} exposing port {expectedPort}";
        });

        // Without an override a destination would stay at its localhost default, which is wrong in a pod.
        foreach (var (cluster, destination) in Destinations(Clusters(Files.Routes())))
        {
            var name = $"{OverridePrefix}Clusters__{cluster}__Destinations__{destination}__Address";
            problems.Expect(env.ContainsKey(name), $"{gateway.Where}: no env {name} (the default in {Files.GatewayRoutes} is localhost)");
        }

        problems.ThrowIfAny("The gateway's destinations in Kubernetes are wrong");
    }

    [Fact]
    public void Tye_overrides_name_existing_destinations_on_localhost_with_the_apps_port()
    {
        var problems = new Problems();
        var gateway = Files.LoadTye().Projects.FirstOrDefault(s => s.Name == Files.GatewayAppId);
        if (gateway is null)
        {
            problems.Add($"{Files.Tye}: no service '{Files.GatewayAppId}'");
            problems.ThrowIfAny("No gateway in tye.yaml");
            return;
        }
        var env = gateway.Env
            .Where(e => e.Key.StartsWith(OverridePrefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.OrdinalIgnoreCase);

        // tye run starts every app as a local process.
        CheckOverrides($"{Files.Tye} (service {Files.GatewayAppId})", env, problems, (destination, expectedPort, address) =>
            address.Host is "localhost" or "127.0.0.1" ? null : $"host '{address.Host}' is not localhost");

        problems.ThrowIfAny("The gateway's destinations in tye.yaml are wrong");
    }

    /// <summary>
    /// Each ReverseProxy__Clusters__{cluster}__Destinations__{destination}__Address must name a
    /// cluster and destination of gateway.routes.json and use the port that cluster's app has
    /// for that kind (http or grpc); <paramref name="checkHost"/> judges the host.
    /// </summary>
    private static void CheckOverrides(
        string where,
        IReadOnlyDictionary<string, string?> env,
        Problems problems,
        Func<string, int, Uri, string?> checkHost)
    {
        var plan = Files.StandalonePlan();
        var clusters = Clusters(Files.Routes());
        foreach (var (name, value) in env)
        {
            var parts = name.Split("__");
            if (parts.Length != 6 || !parts[1].Equals("Clusters", StringComparison.OrdinalIgnoreCase)
                || !parts[3].Equals("Destinations", StringComparison.OrdinalIgnoreCase) || !parts[5].Equals("Address", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{where}: env {name} is not of the form ReverseProxy__Clusters__<cluster>__Destinations__<destination>__Address");
                continue;
            }
            var (clusterId, destinationName) = (parts[2], parts[4]);
            if (!clusters.TryGetValue(clusterId, out var cluster))
            {
                problems.Add($"{where}: env {name} names cluster '{clusterId}', which {Files.GatewayRoutes} does not have (it has {string.Join(", ", clusters.Keys)})");
                continue;
            }
            var destinations = Json.Properties(cluster, "Destinations").Select(d => d.Name).ToList();
            if (!destinations.Contains(destinationName, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{where}: env {name} names destination '{destinationName}', which cluster '{clusterId}' of {Files.GatewayRoutes} does not have (it has {string.Join(", ", destinations)})");
                continue;
            }

            var dash = clusterId.LastIndexOf('-');
            var (app, kind) = dash > 0 ? (clusterId[..dash], clusterId[(dash + 1)..]) : (clusterId, "");
            var planned = plan.GetValueOrDefault(app);
            int? expectedPort = kind switch
            {
                "http" => planned?.Http,
                "grpc" => planned?.Grpc,
                _ => null,
            };
            if (expectedPort is null)
            {
                problems.Add($"{where}: env {name}: cluster '{clusterId}' is no planned app's http or grpc cluster in {Files.StandaloneSettings}");
                continue;
            }
            if (!Uri.TryCreate(value, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttp)
            {
                problems.Add($"{where}: env {name} is '{value}', not an http:// address");
                continue;
            }
            problems.Expect(address.Port == expectedPort,
                $"{where}: env {name} is '{value}' (port {address.Port}) but '{app}' has the {kind} port {expectedPort} in {Files.StandaloneSettings}");
            if (checkHost(destinationName, expectedPort.Value, address) is { } hostProblem)
            {
                problems.Add($"{where}: env {name} is '{value}': {hostProblem}");
            }
        }
    }

    private static Dictionary<string, JsonElement> Clusters(JsonElement routes) =>
        Json.Properties(routes, "ReverseProxy:Clusters").ToDictionary(c => c.Name, c => c.Value, StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<(string Cluster, string Destination)> Destinations(Dictionary<string, JsonElement> clusters) =>
        clusters.SelectMany(c => Json.Properties(c.Value, "Destinations").Select(d => (c.Key, d.Name)));
}
