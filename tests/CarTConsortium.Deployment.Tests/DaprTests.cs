using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>The Dapr pub/sub components and the resiliency policy, against the services' settings.</summary>
public sealed class DaprTests
{
    [Fact]
    public void The_pubsub_component_is_named_like_every_services_PubSubName_in_every_broker_choice()
    {
        var services = Files.Hosts().Where(h => h.IsService).ToList();
        var sidecarApps = services.Select(h => h.AppId).ToList();
        var problems = new Problems();

        foreach (var host in services)
        {
            problems.Expect(!string.IsNullOrEmpty(host.PubSubName), $"{Files.Show(host.File)}: Eventing:Dapr:PubSubName is not set");
        }
        var names = services.Select(h => h.PubSubName).Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal).ToList();
        problems.Expect(names.Count <= 1,
            $"the services' Eventing:Dapr:PubSubName differ: {string.Join(", ", services.Select(h => $"{Files.Show(h.File)} = '{h.PubSubName}'"))}");

        // One pub/sub component per place a broker is chosen: the self-hosted folder, each
        // alternative file, and the Kubernetes manifests.
        var places = new List<(string Where, IReadOnlyList<Manifest> Manifests)>
        {
            (Files.DaprComponents, Files.Manifests(Files.DaprComponents)),
            (Files.Kubernetes, Files.KubernetesManifests()),
        };
        places.AddRange(Directory.GetFiles(Repo.PathOf(Files.DaprAlternatives), "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => (Files.Show(f), (IReadOnlyList<Manifest>)Yaml.LoadDocuments(f).Select(d => new Manifest(f, d)).ToList())));
        problems.Expect(places.Count >= 4, $"{Files.DaprAlternatives}: expected the Kafka and RabbitMQ alternatives, found {places.Count - 2} file(s)");

        foreach (var (where, manifests) in places)
        {
            var components = Files.PubSubComponents(manifests).ToList();
            if (components.Count != 1)
            {
                problems.Add($"{where}: {components.Count} pub/sub components ({string.Join(", ", components.Select(c => c.Where))}), expected exactly one");
                continue;
            }
            var component = components[0];
            foreach (var host in services.Where(h => !string.IsNullOrEmpty(h.PubSubName)))
            {
                problems.Expect(component.Name == host.PubSubName,
                    $"{component.Where}: the component is named '{component.Name}' but {Files.Show(host.File)} Eventing:Dapr:PubSubName is '{host.PubSubName}'");
            }
            problems.Expect(Yaml.Str(component.Doc, "apiVersion") == "dapr.io/v1alpha1" && Yaml.Str(component.Doc, "spec", "version") == "v1",
                $"{component.Where}: apiVersion '{Yaml.Str(component.Doc, "apiVersion")}' and spec.version '{Yaml.Str(component.Doc, "spec", "version")}', expected dapr.io/v1alpha1 and v1");

            // Dapr's default consumer id is the app id: one consumer group per app.
            var metadata = Yaml.Seq(component.Doc, "spec", "metadata").Select(m => Yaml.Str(m, "name")).ToList();
            foreach (var pinned in metadata.Where(n => n is "consumerID" or "consumerGroup"))
            {
                problems.Add($"{component.Where}: sets {pinned}; leave it unset so that Dapr uses each app's id");
            }

            var scopes = Yaml.Get(component.Doc, "scopes");
            if (scopes is not null)
            {
                problems.ExpectSameSet(Yaml.Seq(component.Doc, "scopes").OfType<string>(), $"{component.Where} scopes", sidecarApps, "the services' Eventing:AppId");
            }
        }

        foreach (var service in Files.LoadTye().Projects.Where(s => s.Env.ContainsKey("Eventing__Dapr__PubSubName")))
        {
            problems.Expect(names.Contains(service.Env["Eventing__Dapr__PubSubName"], StringComparer.Ordinal),
                $"{Files.Tye}: service '{service.Name}' sets Eventing__Dapr__PubSubName to '{service.Env["Eventing__Dapr__PubSubName"]}', the services use '{string.Join(", ", names)}'");
        }
        foreach (var deployment in Files.KubernetesManifests().Where(m => m.Kind == "Deployment"))
        {
            if (Files.AppContainer(deployment)?.EnvValue("Eventing__Dapr__PubSubName") is { } value)
            {
                problems.Expect(names.Contains(value, StringComparer.Ordinal),
                    $"{deployment.Where}: env Eventing__Dapr__PubSubName is '{value}', the services use '{string.Join(", ", names)}'");
            }
        }

        problems.ThrowIfAny("The Dapr pub/sub name disagrees");
    }

    [Fact]
    public void Inbound_pubsub_deliveries_are_retried_with_backoff_until_the_app_settles_them()
    {
        var services = Files.Hosts().Where(h => h.IsService).ToList();
        var problems = new Problems();
        // A retry at least every few minutes: a handler that recovers is not left waiting for long.
        var longestInterval = TimeSpan.FromMinutes(5);

        var selfHosted = Files.Manifests(Files.DaprComponents).Where(m => m.Kind == "Resiliency").ToList();
        var kubernetes = Files.KubernetesManifests().Where(m => m.Kind == "Resiliency").ToList();
        problems.Expect(selfHosted.Count == 1, $"{Files.DaprComponents}: {selfHosted.Count} Resiliency resources, expected one");
        problems.Expect(kubernetes.Count == 1, $"{Files.Kubernetes}: {kubernetes.Count} Resiliency resources, expected one");

        foreach (var resiliency in selfHosted.Concat(kubernetes))
        {
            foreach (var pubsub in services.Select(h => h.PubSubName).Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal))
            {
                var retryName = Yaml.Str(resiliency.Doc, "spec", "targets", "components", pubsub!, "inbound", "retry");
                var retry = retryName is null ? null : Yaml.Map(resiliency.Doc, "spec", "policies", "retries", retryName);
                if (retry is null)
                {
                    problems.Add($"{resiliency.Where}: spec.targets.components.{pubsub}.inbound.retry names no policy of spec.policies.retries ('{retryName}')");
                    continue;
                }
                problems.Expect(Yaml.Str(retry, "policy") == "exponential",
                    $"{resiliency.Where}: retry policy '{retryName}' is '{Yaml.Str(retry, "policy")}', expected exponential back-off");
                // The app dead-letters at Eventing:DeadLetterAfter and answers DROP; a sidecar that stopped
                // retrying earlier would lose the event, so only "no limit" is right.
                problems.Expect(Yaml.Int(retry, "maxRetries") == -1,
                    $"{resiliency.Where}: retry policy '{retryName}' has maxRetries '{Yaml.Str(retry, "maxRetries")}', expected -1 (until the app settles the event)");
                var maxInterval = Yaml.Str(retry, "maxInterval");
                problems.Expect(maxInterval is not null && TryDuration(maxInterval, out var interval) && interval > TimeSpan.Zero && interval <= longestInterval,
                    $"{resiliency.Where}: retry policy '{retryName}' has maxInterval '{maxInterval}', expected a Go duration over 0 and at most {longestInterval}");
            }
        }

        if (selfHosted.Count == 1 && kubernetes.Count == 1)
        {
            problems.Expect(Yaml.SameTree(Yaml.Get(selfHosted[0].Doc, "spec"), Yaml.Get(kubernetes[0].Doc, "spec")),
                $"{kubernetes[0].Where}: spec {Yaml.Describe(Yaml.Get(kubernetes[0].Doc, "spec"))} differs from {selfHosted[0].Where}: spec {Yaml.Describe(Yaml.Get(selfHosted[0].Doc, "spec"))}");
        }

        problems.ThrowIfAny("The resiliency policy is wrong");
    }

    /// <summary>A Go duration as Dapr reads it, in the forms the policies use: "500ms", "15s", "1m", "1h".</summary>
    private static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = System.Text.RegularExpressions.Regex.Match(text, "^([0-9]+)(ms|s|m|h)$");
        if (!match.Success)
        {
            return false;
        }
        var amount = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        duration = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromHours(amount),
        };
        return true;
    }
}
