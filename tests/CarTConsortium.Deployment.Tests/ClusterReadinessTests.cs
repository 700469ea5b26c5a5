using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Deploy.Render;
using CarTConsortium.Gateway;
using CarTConsortium.Registry;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>
/// The cluster runs as written: every Secret a manifest needs is one deploy/README.md creates, each host's
/// validated settings accept what its manifest gives it, and every app runs with more than one replica.
/// </summary>
public sealed class ClusterReadinessTests
{
    private const string AppTokenAnnotation = "dapr.io/app-token-secret";

    [Fact]
    public void The_registry_has_ten_minutes_to_build_its_statistics_at_start_before_liveness_restarts_it()
    {
        var container = Files.AppContainer(Files.KubernetesManifests().Single(m => m.Kind == "Deployment" && m.Name == "registry"))!;
        var (period, failures) = (Files.ParseInt(Yaml.Str(container.Spec, "startupProbe", "periodSeconds")) ?? 10, Files.ParseInt(Yaml.Str(container.Spec, "startupProbe", "failureThreshold")) ?? 3);

        // The tallies are built before the app listens, so /alive answers only afterwards.
        Assert.Equal("/alive", Yaml.Str(container.Spec, "startupProbe", "httpGet", "path"));
        Assert.Equal("http", Yaml.Str(container.Spec, "startupProbe", "httpGet", "port"));
        Assert.True(period * failures >= 600, $"the registry's startupProbe allows {period * failures} s, expected at least 600");
    }

    [Fact]
    public void Every_Secret_and_key_a_manifest_reads_is_created_by_a_command_of_the_deploy_README()
    {
        var secrets = ReadmeSecrets.Load();
        var problems = new Problems();

        foreach (var (where, name, key) in SecretReferences(Files.KubernetesManifests()))
        {
            if (!secrets.TryGetValue(name, out var keys))
            {
                problems.Add($"{where}: reads the Secret '{name}', which no `kubectl create secret` of {ReadmeSecrets.Readme} creates");
            }
            else if (key is not null && !keys.ContainsKey(key))
            {
                problems.Add($"{where}: reads key '{key}' of the Secret '{name}', which {ReadmeSecrets.Readme} creates without it ([{string.Join(", ", keys.Keys)}])");
            }
        }

        problems.ThrowIfAny("The README's Secrets do not cover the manifests");
    }

    [Fact]
    public void The_registry_and_the_gateway_start_with_the_settings_their_manifests_and_the_README_s_Secrets_give_them()
    {
        var problems = new Problems();

        CheckHostsStart(Files.KubernetesManifests(), ReadmeSecrets.Load(), problems);

        problems.ThrowIfAny("A host would not start as deployed");
    }

    /// <summary>The registry's and the gateway's validated settings accept what the manifests and these Secrets give them.</summary>
    internal static void CheckHostsStart(IReadOnlyList<Manifest> manifests, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets, Problems problems)
    {
        foreach (var host in Files.Hosts().Where(h => h.AppId is "registry" or Files.GatewayAppId))
        {
            var deployment = manifests.Single(m => m.Kind == "Deployment" && m.Name == host.AppId);
            var container = Files.AppContainer(deployment)!;
            var environment = new Dictionary<string, string>(container.Environment(manifests), StringComparer.Ordinal);
            // envFrom secretRef: every key of the Secret is a variable (env entries below still win).
            foreach (var source in Yaml.Seq(container.Spec, "envFrom"))
            {
                foreach (var (variable, value) in secrets.GetValueOrDefault(Yaml.Str(source, "secretRef", "name") ?? "") ?? new Dictionary<string, string>())
                {
                    environment.TryAdd(variable, value);
                }
            }
            foreach (var entry in container.Env)
            {
                var reference = Yaml.Map(entry, "valueFrom", "secretKeyRef");
                if (Yaml.Str(entry, "name") is { } variable && Yaml.Str(reference, "name") is { } secret && Yaml.Str(reference, "key") is { } key
                    && secrets.GetValueOrDefault(secret)?.GetValueOrDefault(key) is { } value)
                {
                    environment[variable] = value;
                }
            }
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(Files.Overlay(host.Settings, environment).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
                .Build();

            var checks = new List<Action>
            {
                () => configuration.GetValidatedSettings<FederationOptions, FederationOptionsValidator>(),
            };
            if (host.IsGateway)
            {
                checks.Add(() => configuration.GetValidatedSettings<RateLimitOptions, RateLimitOptionsValidator>());
            }
            else
            {
                checks.Add(() => Validate<RegistryOptions, RegistryOptionsValidator>(configuration));
                checks.Add(() => SecretsForTrustedCountries(configuration));
            }
            foreach (var check in checks)
            {
                try
                {
                    check();
                }
                catch (OptionsValidationException e)
                {
                    problems.Add($"{deployment.Where} with the Secrets of {ReadmeSecrets.Readme} and `render secrets`: the host refuses to start: {e.Message}");
                }
            }
        }
    }

    [Fact]
    public void The_registry_takes_a_pseudonymisation_secret_for_every_country_the_cluster_trusts()
    {
        var manifests = Files.KubernetesManifests();
        var problems = new Problems();

        CheckPseudonymisationSecrets(manifests, ReadmeSecrets.Load(), problems);

        problems.ThrowIfAny("The registry cannot pseudonymise every trusted country's patients");
    }

    /// <summary>The registry takes the Secret registry-pseudonymisation whole, and that Secret as created has a key for every trusted country.</summary>
    internal static void CheckPseudonymisationSecrets(IReadOnlyList<Manifest> manifests, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets, Problems problems)
    {
        var registry = Files.AppContainer(manifests.Single(m => m.Kind == "Deployment" && m.Name == "registry"))!;
        var countries = registry.Environment(manifests).Where(p => p.Key.StartsWith("Federation__Issuers__", StringComparison.Ordinal) && p.Key.EndsWith("__Country", StringComparison.Ordinal))
            .Select(p => p.Value).ToList();
        problems.Expect(countries.Count > 0, "15-federation.yaml names no country");
        problems.Expect(Yaml.Seq(registry.Spec, "envFrom").Any(s => Yaml.Str(s, "secretRef", "name") == SecretCommands.PseudonymisationSecret),
            $"21-registry.yaml: the registry does not take the Secret {SecretCommands.PseudonymisationSecret} with envFrom secretRef");
        var keys = secrets.GetValueOrDefault(SecretCommands.PseudonymisationSecret) ?? new Dictionary<string, string>();
        foreach (var country in countries)
        {
            problems.Expect(keys.ContainsKey(SecretCommands.PseudonymisationKey(country)),
                $"the Secret {SecretCommands.PseudonymisationSecret} as {ReadmeSecrets.Readme} and `render secrets` create it has no key {SecretCommands.PseudonymisationKey(country)} ([{string.Join(", ", keys.Keys)}])");
        }
    }

    [Fact]
    public void Every_service_the_gateway_and_the_identity_providers_run_two_replicas_with_a_budget_limits_and_their_token()
    {
        var problems = new Problems();

        CheckReplicas(Files.KubernetesManifests(), problems);

        problems.ThrowIfAny("Not every app runs safely with more than one replica");
    }

    /// <summary>Replicas, disruption budget, requests and limits, the Dapr app token and the gateway's quota share of every Deployment but the portal's.</summary>
    internal static void CheckReplicas(IReadOnlyList<Manifest> manifests, Problems problems)
    {
        foreach (var deployment in manifests.Where(m => m.Kind == "Deployment" && Files.KindOf(m.Name ?? "") != AppKind.Portal))
        {
            var replicas = Yaml.Int(deployment.Doc, "spec", "replicas");
            problems.Expect(replicas >= 2, $"{deployment.Where}: replicas {replicas}, expected at least 2");
            var selector = Yaml.Map(deployment.Doc, "spec", "selector", "matchLabels");
            var budget = manifests.FirstOrDefault(m => m.Kind == "PodDisruptionBudget" && Yaml.SameTree(Yaml.Map(m.Doc, "spec", "selector", "matchLabels"), selector));
            problems.Expect(budget is not null && Yaml.Int(budget.Doc, "spec", "minAvailable") == 1,
                $"{deployment.Where}: no PodDisruptionBudget with minAvailable 1 selects its pods {Yaml.Describe(selector)}");

            var container = Files.AppContainer(deployment);
            foreach (var resource in new[] { "cpu", "memory" })
            {
                problems.Expect(Yaml.Str(container?.Spec, "resources", "requests", resource) is not null && Yaml.Str(container?.Spec, "resources", "limits", resource) is not null,
                    $"{deployment.Where}: no {resource} request and limit");
            }

            var annotations = Yaml.Map(deployment.Doc, "spec", "template", "metadata", "annotations") ?? [];
            if (Yaml.Str(annotations, "dapr.io/enabled") == "true")
            {
                var secret = Yaml.Str(annotations, AppTokenAnnotation);
                problems.Expect(secret is not null, $"{deployment.Where}: a Dapr sidecar without {AppTokenAnnotation}");
                var token = Yaml.Map(container?.EnvEntry("APP_API_TOKEN"), "valueFrom", "secretKeyRef");
                problems.Expect(Yaml.Str(token, "name") == secret && Yaml.Str(token, "key") == "token",
                    $"{deployment.Where}: env APP_API_TOKEN comes from {Yaml.Describe(token)}, expected the sidecar's Secret '{secret}', key token");
            }

            if (deployment.Name == Files.GatewayAppId)
            {
                problems.Expect(Files.ParseInt(container?.EnvValue("RateLimits__Replicas")) == replicas,
                    $"{deployment.Where}: RateLimits__Replicas is '{container?.EnvValue("RateLimits__Replicas")}' but it runs {replicas} replicas (each enforces its share of the quotas)");
            }
        }
    }

    /// <summary>Every (Secret, key) a manifest reads: env, envFrom, volumes, Ingress TLS, the Dapr app token and components' secretKeyRefs.</summary>
    internal static IEnumerable<(string Where, string Name, string? Key)> SecretReferences(IReadOnlyList<Manifest> manifests)
    {
        foreach (var manifest in manifests)
        {
            if (manifest.Kind == "Deployment")
            {
                var pod = Yaml.Map(manifest.Doc, "spec", "template", "spec");
                foreach (var container in Yaml.Seq(pod, "containers"))
                {
                    foreach (var entry in Yaml.Seq(container, "env"))
                    {
                        if (Yaml.Map(entry, "valueFrom", "secretKeyRef") is { } reference && Yaml.Str(reference, "name") is { } name)
                        {
                            yield return (manifest.Where, name, Yaml.Str(reference, "key"));
                        }
                    }
                    foreach (var source in Yaml.Seq(container, "envFrom"))
                    {
                        if (Yaml.Str(source, "secretRef", "name") is { } name)
                        {
                            yield return (manifest.Where, name, null);
                        }
                    }
                }
                foreach (var volume in Yaml.Seq(pod, "volumes"))
                {
                    if (Yaml.Str(volume, "secret", "secretName") is { } name)
                    {
                        yield return (manifest.Where, name, null);
                    }
                }
                if (Yaml.Str(manifest.Doc, "spec", "template", "metadata", "annotations", AppTokenAnnotation) is { } token)
                {
                    yield return (manifest.Where, token, "token");
                }
            }
            foreach (var tls in Yaml.Seq(manifest.Doc, "spec", "tls"))
            {
                if (manifest.Kind == "Ingress" && Yaml.Str(tls, "secretName") is { } name)
                {
                    yield return (manifest.Where, name, "tls.crt");
                }
            }
            if (manifest.Kind == "Component")
            {
                foreach (var entry in Yaml.Seq(manifest.Doc, "spec", "metadata"))
                {
                    if (Yaml.Map(entry, "secretKeyRef") is { } reference && Yaml.Str(reference, "name") is { } name)
                    {
                        yield return (manifest.Where, name, Yaml.Str(reference, "key"));
                    }
                }
            }
        }
    }

    private static void SecretsForTrustedCountries(IConfiguration configuration)
    {
        var options = new RegistryOptions();
        configuration.GetSection(RegistryOptions.Section).Bind(options);
        var result = TrustedCountrySecrets.From(configuration).Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(RegistryOptions), result.Failures);
        }
    }

    private static void Validate<TSettings, TValidator>(IConfiguration configuration)
        where TSettings : class, ISettingsSection, new()
        where TValidator : class, IValidateOptions<TSettings>, new() =>
        configuration.GetValidatedSettings<TSettings, TValidator>();
}
