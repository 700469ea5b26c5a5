using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Eventing;
using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>
/// The pub/sub components against Dapr's documented metadata, the durability settings each broker needs,
/// and the topic scopes against the events' owners (protos/) and the modules' handlers.
/// </summary>
public sealed partial class DaprBrokerTests
{
    /// <summary>The metadata names Dapr documents, per component type.</summary>
    private static readonly Dictionary<string, HashSet<string>> Documented = new(StringComparer.Ordinal)
    {
        // https://docs.dapr.io/reference/components-reference/supported-pubsub/setup-redis-pubsub/
        // (dapr/components-contrib pubsub/redis/metadata.yaml)
        ["pubsub.redis"] =
        [
            "redisHost", "redisUsername", "redisPassword", "sentinelUsername", "sentinelPassword", "consumerID", "enableTLS",
            "clientCert", "clientKey", "redeliverInterval", "processingTimeout", "ackOnError", "queueDepth", "concurrency",
            "redisType", "redisDB", "redisMaxRetries", "redisMinRetryInterval", "redisMaxRetryInterval", "dialTimeout",
            "readTimeout", "writeTimeout", "poolSize", "poolTimeout", "maxConnAge", "minIdleConns", "idleCheckFrequency",
            "idleTimeout", "failover", "sentinelMasterName", "maxLenApprox", "streamTTL", "useEntraID",
        ],
        // https://docs.dapr.io/reference/components-reference/supported-pubsub/setup-apache-kafka/
        // (dapr/components-contrib pubsub/kafka/metadata.yaml, common/component/kafka/metadata.go)
        ["pubsub.kafka"] =
        [
            "brokers", "consumerGroup", "consumerID", "clientID", "authRequired", "authType", "saslUsername", "saslPassword",
            "saslMechanism", "initialOffset", "maxMessageBytes", "consumeRetryInterval", "consumeRetryEnabled", "version",
            "caCert", "clientCert", "clientKey", "skipVerify", "disableTls", "oidcTokenEndpoint", "oidcClientID",
            "oidcClientSecret", "oidcScopes", "oidcExtensions", "heartbeatInterval", "sessionTimeout", "escapeHeaders",
            "channelBufferSize", "consumerFetchMin", "consumerFetchDefault", "clientConnectionTopicMetadataRefreshInterval",
            "clientConnectionKeepAliveInterval", "awsRegion", "awsAccessKey", "awsSecretKey", "awsSessionToken",
            "awsIamRoleArn", "awsStsSessionName", "schemaRegistryURL", "schemaRegistryAPIKey", "schemaRegistryAPISecret",
            "schemaCachingEnabled", "schemaLatestVersionCacheTTL",
        ],
        // https://docs.dapr.io/reference/components-reference/supported-pubsub/setup-rabbitmq/
        // (dapr/components-contrib pubsub/rabbitmq/metadata.yaml)
        ["pubsub.rabbitmq"] =
        [
            "connectionString", "hostname", "username", "password", "consumerID", "durable", "publisherConfirm", "maxLen",
            "maxLenBytes", "concurrency", "enableDeadLetter", "prefetchCount", "exchangeKind", "deliveryMode", "autoAck",
            "deletedWhenUnused", "requeueInFailure", "reconnectWaitSeconds", "ttlInSeconds", "protocol", "caCert",
            "clientCert", "clientKey", "saslExternal",
        ],
    };

    /// <summary>
    /// Metadata every pub/sub component takes:
    /// https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-scopes/
    /// </summary>
    private static readonly HashSet<string> EveryPubSub = ["publishingScopes", "subscriptionScopes", "allowedTopics", "protectedTopics"];

    [Fact]
    public void Every_component_sets_only_metadata_Dapr_documents_for_its_type()
    {
        var problems = new Problems();

        foreach (var component in AllPubSubComponents())
        {
            var type = Yaml.Str(component.Doc, "spec", "type") ?? "";
            if (!Documented.TryGetValue(type, out var names))
            {
                problems.Add($"{component.Where}: type '{type}' is not one this test knows Dapr's documented fields of");
                continue;
            }
            foreach (var name in Yaml.Seq(component.Doc, "spec", "metadata").Select(m => Yaml.Str(m, "name") ?? ""))
            {
                problems.Expect(names.Contains(name) || EveryPubSub.Contains(name), $"{component.Where}: metadata '{name}' is not documented for {type}");
            }
        }

        problems.ThrowIfAny("A component sets fields Dapr does not read");
    }

    [Fact]
    public void Every_broker_is_configured_to_keep_what_it_accepted()
    {
        var problems = new Problems();

        foreach (var component in AllPubSubComponents())
        {
            var type = Yaml.Str(component.Doc, "spec", "type");
            var expected = type switch
            {
                "pubsub.redis" => new Dictionary<string, Func<string?, bool>>
                {
                    // Bounded, and large enough to outlast an app's outage.
                    ["maxLenApprox"] = v => long.TryParse(v, out var n) && n >= 100_000,
                },
                "pubsub.kafka" => new() { ["initialOffset"] = v => v == "oldest" },
                "pubsub.rabbitmq" => new()
                {
                    ["durable"] = v => v == "true",
                    ["deletedWhenUnused"] = v => v == "false",
                    ["publisherConfirm"] = v => v == "true",
                    ["deliveryMode"] = v => v == "2",
                    ["autoAck"] = v => v == "false",
                },
                _ => [],
            };
            foreach (var (name, ok) in expected)
            {
                var value = Value(component, name);
                problems.Expect(ok(value), $"{component.Where}: metadata {name} is '{value}', which does not keep accepted events");
            }
        }

        var selfHosted = Files.PubSubComponents(Files.Manifests(Files.DaprComponents)).Single();
        var kubernetes = Files.PubSubComponents(Files.KubernetesManifests()).Single();
        foreach (var name in new[] { "maxLenApprox", "processingTimeout", "redeliverInterval", "publishingScopes", "subscriptionScopes" })
        {
            problems.Expect(Value(selfHosted, name) == Value(kubernetes, name),
                $"{kubernetes.Where}: {name} is '{Value(kubernetes, name)}' but {selfHosted.Where} says '{Value(selfHosted, name)}'");
        }

        problems.ThrowIfAny("A broker may lose accepted events");
    }

    [Fact]
    public void Only_a_topics_owner_may_publish_it_and_each_app_may_subscribe_only_to_its_handlers_topics()
    {
        var topics = Topics();
        var services = Files.Hosts().Where(h => h.IsService).Select(h => h.AppId).ToList();
        var publishes = services.ToDictionary(app => app, app => topics.Values.Where(t => EventOwnership.OwnerOf(t) == app).ToHashSet(StringComparer.Ordinal));
        var subscribes = services.ToDictionary(app => app, app => HandledEvents(app).Select(e => topics.GetValueOrDefault(e) ?? $"(unknown event {e})").ToHashSet(StringComparer.Ordinal));
        var problems = new Problems();

        problems.Expect(topics.Count > 0, "protos/: no events found");
        foreach (var component in AllPubSubComponents())
        {
            foreach (var (name, expected) in new[] { ("publishingScopes", publishes), ("subscriptionScopes", subscribes) })
            {
                var scopes = Scopes(Value(component, name));
                problems.ExpectSameSet(scopes.Keys, $"{component.Where} {name} apps", services, "the services");
                foreach (var app in services)
                {
                    problems.ExpectSameSet(scopes.GetValueOrDefault(app) ?? [], $"{component.Where} {name} of {app}", expected[app], name == "publishingScopes"
                        ? $"the events protos/consortium/{app}/ defines"
                        : $"the events {app}'s module handles");
                }
            }
        }

        problems.ThrowIfAny("The topic scopes are wrong");
    }

    /// <summary>The pub/sub component of every place a broker is chosen.</summary>
    private static List<Manifest> AllPubSubComponents()
    {
        var manifests = Files.Manifests(Files.DaprComponents).Concat(Files.KubernetesManifests()).ToList();
        foreach (var file in Directory.GetFiles(Repo.PathOf(Files.DaprAlternatives), "*.yaml").Order(StringComparer.Ordinal))
        {
            manifests.AddRange(Yaml.LoadDocuments(file).Select(d => new Manifest(file, d)));
        }
        return Files.PubSubComponents(manifests).ToList();
    }

    private static string? Value(Manifest component, string name) =>
        Yaml.Str(Yaml.Seq(component.Doc, "spec", "metadata").FirstOrDefault(m => Yaml.Str(m, "name") == name), "value");

    /// <summary>Dapr's scope syntax: "app1=topic1,topic2;app2=" (an app with nothing after "=" may use no topic).</summary>
    private static Dictionary<string, List<string>> Scopes(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length < 2 ? [] : parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(), StringComparer.Ordinal);

    /// <summary>Every event message of protos/*/events.proto by its name, to its topic (the full proto name).</summary>
    private static Dictionary<string, string> Topics()
    {
        var topics = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Repo.PathOf("protos"), "events.proto", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            var package = Package().Match(text).Groups["package"].Value;
            foreach (Match message in TopLevelMessage().Matches(text))
            {
                topics[message.Groups["name"].Value] = $"{package}.{message.Groups["name"].Value}";
            }
        }
        return topics;
    }

    /// <summary>The events a service's module registers handlers for (AddEventHandler&lt;TEvent, THandler&gt;).</summary>
    private static IEnumerable<string> HandledEvents(string app)
    {
        var folder = Directory.GetDirectories(Repo.PathOf("services")).Single(d => string.Equals(Path.GetFileName(d), app, StringComparison.OrdinalIgnoreCase));
        return Directory.GetFiles(folder, "*Module.cs", SearchOption.AllDirectories)
            .SelectMany(file => Handler().Matches(File.ReadAllText(file)).Select(m => m.Groups["event"].Value))
            .Distinct(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^package\s+(?<package>[a-z0-9_.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Package();

    [GeneratedRegex(@"^message\s+(?<name>[A-Za-z0-9_]+)\s*\{", RegexOptions.Multiline)]
    private static partial Regex TopLevelMessage();

    [GeneratedRegex(@"AddEventHandler<(?:[A-Za-z0-9_]+\.)*(?<event>[A-Za-z0-9_]+)\s*,")]
    private static partial Regex Handler();
}
