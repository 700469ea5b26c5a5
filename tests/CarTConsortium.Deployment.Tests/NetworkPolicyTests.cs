using System.Net;
using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>
/// The NetworkPolicies of deploy/kubernetes, evaluated as Kubernetes does (a pod selected by a policy of a
/// direction takes only what some rule of those policies admits; a connection needs the sender's egress and
/// the receiver's ingress) over the platform's pods and the operator-provided ones the README labels.
/// </summary>
public sealed class NetworkPolicyTests
{
    private const string Ns = Files.KubernetesNamespace;
    private const string Ingress = "ingress-nginx";
    private const string DaprSystem = "dapr-system";

    [Fact]
    public void Every_pod_of_the_namespace_is_under_the_default_deny_and_admitted_by_a_policy_of_its_own()
    {
        var cluster = Cluster.Load();
        var problems = new Problems();

        var denyAll = cluster.Policies.Where(p => p.Selector.Count == 0 && p.Types.Contains("Ingress") && p.Types.Contains("Egress")
            && p.IngressRules.Count == 0 && p.EgressRules.Count == 0).ToList();
        problems.Expect(denyAll.Count == 1, $"{Files.Kubernetes}: {denyAll.Count} default-deny NetworkPolicies (empty podSelector, both directions, no rule), expected 1");
        foreach (var pod in cluster.Pods.Where(p => p.Platform))
        {
            problems.Expect(cluster.Policies.Any(p => p.Selector.Count > 0 && p.Selects(pod)),
                $"pod {pod.Name}: no NetworkPolicy of its own selects it {Yaml.Describe(pod.Labels)}, so it can neither receive nor send");
        }

        problems.ThrowIfAny("Pods outside the policies");
    }

    public static TheoryData<string, string, string, bool> Connections => new()
    {
        // The services' app ports: only the gateway (the sidecar is inside the pod).
        { "gateway", "registry", "grpc", true },
        { "gateway", "slots", "http", true },
        { "portal", "registry", "grpc", false },
        { "identity-kz", "registry", "http", false },
        { "procurement", "registry", "http", false },
        { "ingress-controller", "registry", "http", false },
        { "stranger", "approvals", "grpc", false },
        { "stranger", "identity-kz", "http", false },
        // The sidecar's own port: other sidecars of the namespace and Dapr's control plane.
        { "procurement", "registry", "50002", true },
        { "dapr-control-plane", "slots", "50002", true },
        { "gateway", "registry", "50002", false },
        { "elsewhere", "registry", "50002", false },
        // The gateway: public traffic through the ingress controller, the portal's gRPC.
        { "ingress-controller", "gateway", "http", true },
        { "portal", "gateway", "grpc", true },
        { "elsewhere", "gateway", "http", false },
        { "stranger", "gateway", "grpc", false },
        // Identity providers: the ingress controller and the platform's pods.
        { "ingress-controller", "identity-kz", "http", true },
        { "gateway", "identity-uz", "http", true },
        { "slots", "identity-consortium", "http", true },
        { "elsewhere", "identity-kg", "http", false },
        { "mongodb", "identity-kz", "http", false },
        // MongoDB, PostgreSQL and the broker: only their clients.
        { "approvals", "mongodb", "27017", true },
        { "gateway", "mongodb", "27017", false },
        { "identity-kz", "mongodb", "27017", false },
        { "identity-kz", "postgresql", "5432", true },
        { "registry", "postgresql", "5432", false },
        { "portal", "postgresql", "5432", false },
        { "slots", "broker", "6379", true },
        { "gateway", "broker", "6379", false },
        { "elsewhere", "broker", "9092", false },
        // Issuer metadata over HTTPS through the ingress controller.
        { "registry", "ingress-controller", "443", true },
        { "gateway", "ingress-controller", "443", true },
        { "mongodb", "ingress-controller", "443", false },
    };

    [Theory]
    [MemberData(nameof(Connections))]
    public void Only_the_intended_peers_reach_each_port(string from, string to, string port, bool allowed)
    {
        var cluster = Cluster.Load();

        Assert.Equal(allowed, cluster.Allows(cluster.Pod(from), cluster.Pod(to), port, "TCP"));
    }

    [Fact]
    public void Every_pod_of_the_namespace_may_look_names_up()
    {
        var cluster = Cluster.Load();

        foreach (var pod in cluster.Pods.Where(p => p.Platform))
        {
            Assert.True(cluster.Allows(pod, cluster.Pod("kube-dns"), "53", "UDP"), $"pod {pod.Name} cannot reach the cluster's DNS");
        }
    }

    /// <summary>Whether the policies of some manifests admit a connection between two pods of <see cref="Cluster"/> (by name: a Deployment or an operator-provided pod).</summary>
    internal static bool Allows(IReadOnlyList<Manifest> manifests, string from, string to, string port)
    {
        var cluster = Cluster.Load(manifests);
        return cluster.Allows(cluster.Pod(from), cluster.Pod(to), port, "TCP");
    }

    /// <summary>Whether the policies of some manifests let a pod of <see cref="Cluster"/> open TCP to an address outside the cluster.</summary>
    internal static bool AllowsOut(IReadOnlyList<Manifest> manifests, string from, string address, int port)
    {
        var cluster = Cluster.Load(manifests);
        return cluster.AllowsOut(cluster.Pod(from), IPAddress.Parse(address), port);
    }

    /// <summary>The TCP connections between pods of <see cref="Cluster"/> that one set of manifests admits and the other not ("from -> to:port").</summary>
    internal static IEnumerable<string> Differences(IReadOnlyList<Manifest> before, IReadOnlyList<Manifest> after)
    {
        var (a, b) = (Cluster.Load(before), Cluster.Load(after));
        int[] wellKnown = [53, 80, 443, 5432, 5671, 5672, 6379, 9092, 27017, 50002];
        foreach (var to in a.Pods)
        {
            foreach (var port in to.Ports.Values.OfType<int>().Concat(wellKnown).Distinct())
            {
                foreach (var from in a.Pods)
                {
                    var p = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (a.Allows(from, to, p, "TCP") != b.Allows(b.Pod(from.Name), b.Pod(to.Name), p, "TCP"))
                    {
                        yield return $"{from.Name} -> {to.Name}:{port}";
                    }
                }
            }
        }
    }

    /// <summary>The platform's pods of some manifests that no NetworkPolicy of their own selects.</summary>
    internal static IEnumerable<string> PodsWithoutPolicy(IReadOnlyList<Manifest> manifests)
    {
        var cluster = Cluster.Load(manifests);
        return cluster.Pods.Where(pod => pod.Platform && !cluster.Policies.Any(p => p.Selector.Count > 0 && p.Selects(pod))).Select(pod => pod.Name);
    }

    private sealed record Pod(string Name, string Namespace, Dictionary<string, object?> Labels, IReadOnlyDictionary<string, int?> Ports)
    {
        /// <summary>A pod of the platform's Deployments (not one the operator or another team runs).</summary>
        public bool Platform { get; init; }
    }

    /// <summary>A rule's peer: selectors, or an ipBlock (addresses outside the cluster; pods are never matched by one here).</summary>
    private sealed record Peer(Dictionary<string, object?>? PodSelector, Dictionary<string, object?>? NamespaceSelector, IPNetwork? IpBlock = null, IReadOnlyList<IPNetwork>? Except = null);

    private sealed record Rule(IReadOnlyList<Peer> Peers, IReadOnlyList<(string Protocol, string Port)> Ports);

    private sealed record Policy(string Name, Dictionary<string, object?> Selector, IReadOnlyList<string> Types, IReadOnlyList<Rule> IngressRules, IReadOnlyList<Rule> EgressRules)
    {
        public bool Selects(Pod pod) => pod.Namespace == Ns && Cluster.Matches(Selector, pod.Labels);
    }

    private sealed class Cluster
    {
        public required IReadOnlyList<Pod> Pods { get; init; }

        public required IReadOnlyList<Policy> Policies { get; init; }

        public Pod Pod(string name) => Pods.Single(p => p.Name == name);

        public static Cluster Load() => Load(Files.KubernetesManifests());

        public static Cluster Load(IReadOnlyList<Manifest> manifests)
        {
            var pods = manifests.Where(m => m.Kind == "Deployment").Select(d => new Pod(d.Name!, Ns,
                Yaml.Map(d.Doc, "spec", "template", "metadata", "labels") ?? [], Files.AppContainer(d)?.Ports ?? new Dictionary<string, int?>())
            { Platform = true }).ToList();
            // The pods the operator provides, labelled as deploy/README.md says, and pods of other namespaces.
            pods.Add(new Pod("mongodb", Ns, new() { ["app.kubernetes.io/name"] = "mongodb" }, new Dictionary<string, int?>()));
            pods.Add(new Pod("postgresql", Ns, new() { ["app.kubernetes.io/name"] = "postgresql" }, new Dictionary<string, int?>()));
            pods.Add(new Pod("broker", Ns, new() { ["app.kubernetes.io/component"] = "broker" }, new Dictionary<string, int?>()));
            pods.Add(new Pod("stranger", Ns, new() { ["app"] = "debug" }, new Dictionary<string, int?>()));
            pods.Add(new Pod("ingress-controller", Ingress, new() { ["app.kubernetes.io/name"] = "ingress-nginx" }, new Dictionary<string, int?>()));
            pods.Add(new Pod("dapr-control-plane", DaprSystem, new() { ["app"] = "dapr-operator" }, new Dictionary<string, int?>()));
            pods.Add(new Pod("kube-dns", "kube-system", new() { ["k8s-app"] = "kube-dns" }, new Dictionary<string, int?>()));
            pods.Add(new Pod("elsewhere", "other-team", new() { ["app.kubernetes.io/part-of"] = "cart-consortium" }, new Dictionary<string, int?>()));

            var policies = manifests.Where(m => m.Kind == "NetworkPolicy").Select(m => new Policy(m.Name!,
                Selector(m, Yaml.Get(m.Doc, "spec", "podSelector")) ?? throw new InvalidOperationException($"{m.Where}: no podSelector"),
                Yaml.Seq(m.Doc, "spec", "policyTypes").OfType<string>().ToList(),
                Rules(m, "ingress", "from"), Rules(m, "egress", "to"))).ToList();
            return new Cluster { Pods = pods, Policies = policies };
        }

        /// <summary>Whether a pod may open TCP to an address outside the cluster (its egress alone: nothing there has policies).</summary>
        public bool AllowsOut(Pod from, IPAddress address, int port)
        {
            var applying = Policies.Where(p => p.Types.Contains("Egress") && p.Selects(from)).ToList();
            return applying.Count == 0 || applying.SelectMany(p => p.EgressRules).Any(rule =>
                (rule.Peers.Count == 0 || rule.Peers.Any(p => p.IpBlock is { } block && block.Contains(address) && !(p.Except ?? []).Any(e => e.Contains(address))))
                && (rule.Ports.Count == 0 || rule.Ports.Any(p => p.Protocol == "TCP" && int.TryParse(p.Port, out var n) && n == port)));
        }

        /// <summary>Whether a connection is admitted: the sender's egress and the receiver's ingress (each only where policies select the pod).</summary>
        public bool Allows(Pod from, Pod to, string port, string protocol)
        {
            var number = int.TryParse(port, out var n) ? n : to.Ports.GetValueOrDefault(port)
                ?? throw new InvalidOperationException($"pod {to.Name} has no port named {port}");
            return Admits(from, "Egress", p => p.EgressRules, to, number, protocol)
                && Admits(to, "Ingress", p => p.IngressRules, from, number, protocol);
        }

        private bool Admits(Pod pod, string type, Func<Policy, IReadOnlyList<Rule>> rulesOf, Pod peer, int port, string protocol)
        {
            var applying = Policies.Where(p => p.Types.Contains(type) && p.Selects(pod)).ToList();
            return applying.Count == 0 || applying.SelectMany(rulesOf).Any(rule =>
                (rule.Peers.Count == 0 || rule.Peers.Any(p => PeerMatches(p, peer)))
                && (rule.Ports.Count == 0 || rule.Ports.Any(p => p.Protocol == protocol && PortMatches(p.Port, port, type == "Egress" ? peer : pod))));
        }

        private static bool PortMatches(string rulePort, int port, Pod destination) =>
            int.TryParse(rulePort, out var number) ? number == port : destination.Ports.GetValueOrDefault(rulePort) == port;

        private static bool PeerMatches(Peer peer, Pod pod) => peer switch
        {
            { NamespaceSelector: null, PodSelector: { } pods } => pod.Namespace == Ns && Matches(pods, pod.Labels),
            { NamespaceSelector: { } namespaces } => Matches(namespaces, new() { ["kubernetes.io/metadata.name"] = pod.Namespace })
                && (peer.PodSelector is null || Matches(peer.PodSelector, pod.Labels)),
            _ => false,
        };

        public static bool Matches(Dictionary<string, object?> selector, Dictionary<string, object?> labels) =>
            selector.All(l => labels.TryGetValue(l.Key, out var value) && Equals(value, l.Value));

        private static List<Rule> Rules(Manifest policy, string direction, string peers) =>
            Yaml.Seq(policy.Doc, "spec", direction).Select(rule => new Rule(
                Yaml.Seq(rule, peers).Select(peer => new Peer(
                    Selector(policy, Yaml.Get(peer, "podSelector")), Selector(policy, Yaml.Get(peer, "namespaceSelector")),
                    Yaml.Str(peer, "ipBlock", "cidr") is { } cidr ? IPNetwork.Parse(cidr) : null,
                    [.. Yaml.Seq(peer, "ipBlock", "except").OfType<string>().Select(e => IPNetwork.Parse(e))])).ToList(),
                Yaml.Seq(rule, "ports").Select(p => (Yaml.Str(p, "protocol") ?? "TCP", Yaml.Str(p, "port") ?? "")).ToList())).ToList();

        /// <summary>A selector's labels (none: it selects everything); null when absent. matchExpressions this evaluator does not read.</summary>
        private static Dictionary<string, object?>? Selector(Manifest policy, object? node) => node switch
        {
            null => null,
            Dictionary<string, object?> map when map.ContainsKey("matchExpressions") =>
                throw new InvalidOperationException($"{policy.Where}: a selector with matchExpressions; this test reads matchLabels only"),
            Dictionary<string, object?> map => Yaml.Map(map, "matchLabels") ?? [],
            _ => [],
        };
    }
}
