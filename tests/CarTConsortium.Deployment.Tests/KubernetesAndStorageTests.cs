using System.Text.RegularExpressions;
using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>MongoDB settings per service, and the shape of the Kubernetes manifests.</summary>
public sealed partial class KubernetesAndStorageTests
{
    private const string ConnectionStringVariable = "Storage__MongoDb__ConnectionString";
    private const string DatabaseVariable = "Storage__MongoDb__Database";

    [Fact]
    public void Each_service_has_its_own_database_on_a_replica_set()
    {
        var services = Files.Hosts().Where(h => h.IsService).ToList();
        var tye = Files.LoadTye();
        var deployments = Files.KubernetesManifests().Where(m => m.Kind == "Deployment").ToList();
        var problems = new Problems();

        foreach (var host in services)
        {
            var database = $"cartc_{host.AppId}";
            problems.Expect(host.MongoDatabase == database,
                $"{Files.Show(host.File)}: Storage:MongoDb:Database is '{host.MongoDatabase}', expected '{database}'");

            var service = tye.Projects.FirstOrDefault(s => s.Name == host.AppId);
            if (service is not null)
            {
                problems.Expect(service.Env.GetValueOrDefault(DatabaseVariable) == database,
                    $"{Files.Tye}: service '{service.Name}' sets {DatabaseVariable} to '{service.Env.GetValueOrDefault(DatabaseVariable)}', expected '{database}'");
                var uri = service.Env.GetValueOrDefault(ConnectionStringVariable);
                problems.Expect(uri is not null && uri.StartsWith("mongodb://", StringComparison.Ordinal) && uri.Contains("replicaSet=", StringComparison.Ordinal),
                    $"{Files.Tye}: service '{service.Name}' sets {ConnectionStringVariable} to '{uri}', expected a mongodb:// URI naming a replicaSet");
            }

            var deployment = deployments.FirstOrDefault(d => d.Name == host.AppId);
            var container = deployment is null ? null : Files.AppContainer(deployment);
            if (deployment is not null && container is not null)
            {
                problems.Expect(container.EnvValue(DatabaseVariable) == database,
                    $"{deployment.Where}: env {DatabaseVariable} is '{container.EnvValue(DatabaseVariable)}', expected '{database}'");
                var secret = Yaml.Map(container.EnvEntry(ConnectionStringVariable), "valueFrom", "secretKeyRef");
                problems.Expect(Yaml.Str(secret, "name") == "mongodb" && Yaml.Str(secret, "key") == "connection-string",
                    $"{deployment.Where}: env {ConnectionStringVariable} comes from {Yaml.Describe(secret)}, expected secretKeyRef name mongodb, key connection-string");
            }
        }

        problems.ThrowIfAny("MongoDB settings are wrong");
    }

    [Fact]
    public void Kubernetes_manifests_live_in_the_namespace_run_the_app_images_and_probe_alive_and_healthz()
    {
        var manifests = Files.KubernetesManifests();
        var version = File.ReadAllText(Repo.PathOf(Files.VersionFile)).Trim();
        var problems = new Problems();

        problems.Expect(VersionTag().IsMatch(version), $"{Files.VersionFile}: '{version}' is not a version like 1.0.0");
        problems.Expect(manifests.Any(m => m.Kind == "Namespace" && m.Name == Files.KubernetesNamespace),
            $"{Files.Kubernetes}: no Namespace '{Files.KubernetesNamespace}'");
        foreach (var manifest in manifests.Where(m => m.Kind != "Namespace"))
        {
            problems.Expect(manifest.Namespace == Files.KubernetesNamespace,
                $"{manifest.Where}: namespace is '{manifest.Namespace}', expected '{Files.KubernetesNamespace}'");
        }

        foreach (var deployment in manifests.Where(m => m.Kind == "Deployment"))
        {
            var container = Files.AppContainer(deployment);
            if (container is null)
            {
                problems.Add($"{deployment.Where}: no container named '{deployment.Name}'");
                continue;
            }
            // The identity providers are one image (one binary) run once per country and for the consortium;
            // every image is pinned to the version deploy/VERSION says (never :latest).
            var image = (Files.KindOf(deployment.Name ?? "") == AppKind.IdentityProvider
                ? Files.IdentityImageRepository
                : $"{Files.KubernetesNamespace}/{deployment.Name}") + ":" + version;
            problems.Expect(container.Image == image, $"{deployment.Where}: image is '{container.Image}', expected '{image}'");

            // Liveness asks only whether the process answers; readiness runs every check (the store's included),
            // so a store outage takes a pod out of service without restarting it.
            foreach (var (probe, path) in new[] { ("livenessProbe", "/alive"), ("readinessProbe", "/healthz") })
            {
                var get = Yaml.Map(container.Spec, probe, "httpGet");
                var port = Yaml.Str(get, "port");
                problems.Expect(Yaml.Str(get, "path") == path && (port == "http" || Files.ParseInt(port) == container.Ports.GetValueOrDefault("http")),
                    $"{deployment.Where}: {probe} is {Yaml.Describe(Yaml.Get(container.Spec, probe))}, expected an httpGet of {path} on the http port");
            }

            var labels = Yaml.Map(deployment.Doc, "spec", "template", "metadata", "labels") ?? [];
            var selector = Yaml.Map(deployment.Doc, "spec", "selector", "matchLabels") ?? [];
            problems.Expect(selector.Count > 0 && selector.All(l => labels.TryGetValue(l.Key, out var v) && Equals(v, l.Value)),
                $"{deployment.Where}: selector {Yaml.Describe(selector)} does not match the pod labels {Yaml.Describe(labels)}");
            var service = manifests.FirstOrDefault(m => m.Kind == "Service" && m.Name == deployment.Name);
            var serviceSelector = Yaml.Map(service?.Doc, "spec", "selector") ?? [];
            problems.Expect(serviceSelector.Count > 0 && serviceSelector.All(l => labels.TryGetValue(l.Key, out var v) && Equals(v, l.Value)),
                $"{service?.Where ?? $"{Files.Kubernetes} (no Service {deployment.Name})"}: selector {Yaml.Describe(serviceSelector)} does not select the pods of {deployment.Where} {Yaml.Describe(labels)}");
        }

        problems.ThrowIfAny("The Kubernetes manifests are wrong");
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?\z")]
    private static partial Regex VersionTag();
}
