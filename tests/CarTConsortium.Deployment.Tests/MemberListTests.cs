using CarTConsortium.Deploy.Render;
using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>
/// deploy/members.yaml is the one list of the consortium's identity providers and member countries: the
/// committed manifests are what deploy/render writes from it, one new entry yields a member the cluster's
/// rules accept with nothing else edited, and a wrong list is refused with every mistake named.
/// </summary>
public sealed class MemberListTests
{
    private const string RenderCommand = "dotnet run --project deploy/render";
    private const string ExternalIssuer = "https://keycloak.moh.example.am/realms/cart";

    private const string TwoNewMembers = """
        - code: TJ
          name: Tajikistan
          identity: hosted
          quota:
            permitLimit: 600
            window: "00:01:00"
        - code: AM
          name: Armenia
          identity: external
          issuer: https://keycloak.moh.example.am/realms/cart
          egress: [203.0.113.0/24]
        """;

    [Fact]
    public void The_committed_manifests_are_what_render_writes_from_the_committed_list()
    {
        var folder = Repo.PathOf(Files.Kubernetes);
        var rendered = Manifests.Render(CommittedList());
        var problems = new Problems();

        foreach (var file in rendered)
        {
            var path = Path.Combine(folder, file.Name);
            problems.Expect(File.Exists(path) && File.ReadAllText(path).ReplaceLineEndings("\n") == file.Content,
                $"{Files.Kubernetes}/{file.Name} is {(File.Exists(path) ? "not" : "missing, not")} what `{RenderCommand}` writes from {Manifests.ListFile}");
        }
        foreach (var stale in Manifests.GeneratedIn(folder).Except(rendered.Select(f => f.Name), StringComparer.Ordinal))
        {
            problems.Add($"{Files.Kubernetes}/{stale} says it is generated, but {Manifests.ListFile} no longer makes it");
        }

        problems.ThrowIfAny($"Run `{RenderCommand}` and commit what it writes");
    }

    [Fact]
    public void No_hand_written_manifest_names_a_member()
    {
        var names = CommittedList().Members.SelectMany(m => new[] { m.AppId, m.Host, SecretCommands.PseudonymisationKey(m.Country!) }).ToList();
        var problems = new Problems();

        foreach (var file in Directory.GetFiles(Repo.PathOf(Files.Kubernetes), "*.yaml").Where(f => File.ReadLines(f).FirstOrDefault() != GeneratedFile.Marker))
        {
            foreach (var (line, number) in File.ReadLines(file).Select((l, i) => (l, i + 1)).Where(l => !l.l.TrimStart().StartsWith('#')))
            {
                foreach (var name in names.Where(n => line.Contains(n, StringComparison.Ordinal)))
                {
                    problems.Add($"{Files.Show(file)}:{number} names '{name}'; a member's settings belong in {Manifests.ListFile} and its generated files");
                }
            }
        }

        problems.ThrowIfAny("A hand-written manifest would need an edit for a new member");
    }

    [Fact]
    public void A_hosted_and_an_external_member_added_to_the_list_are_all_a_cluster_needs()
    {
        var list = MemberListReader.Read(File.ReadAllText(Repo.PathOf(Manifests.ListFile)) + TwoNewMembers + "\n");
        using var copy = new ManifestsCopy();
        var changes = Manifests.Write(Manifests.Render(list), copy.Folder);
        var manifests = Files.Manifests(copy.Folder);
        var secrets = ReadmeSecrets.Load(list);
        var problems = new Problems();

        // Only generated files change: no hand-written manifest needs an edit.
        problems.ExpectSameSet(changes, "render", ["wrote 06-external-issuers-egress.yaml", "wrote 15-federation.yaml", "wrote 16-gateway-quotas.yaml", "wrote 31-identity-tj.yaml", "wrote 35-identity-ingress.yaml"], "a hosted and an external member");

        // The same rules as the committed manifests: schema, replicas and budgets, network policies, federation, portal, start-up.
        foreach (var file in Directory.GetFiles(copy.Folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            KubernetesSchemaTests.CheckFile(file, problems);
        }
        ClusterReadinessTests.CheckReplicas(manifests, problems);
        FederationTests.CheckKubernetesFederation(manifests, problems, $"{ExternalIssuer} (AM)");
        PortalWiringTests.CheckKubernetesPortalClients(manifests, problems);
        ClusterReadinessTests.CheckHostsStart(manifests, secrets, problems);
        ClusterReadinessTests.CheckPseudonymisationSecrets(manifests, secrets, problems);
        foreach (var pod in NetworkPolicyTests.PodsWithoutPolicy(manifests))
        {
            problems.Add($"pod {pod}: no NetworkPolicy selects it");
        }
        problems.ThrowIfAny("The rendered manifests of a list with TJ (hosted) and AM (external) break the cluster's rules");

        var federation = manifests.Single(m => m.Kind == "ConfigMap" && m.Name == "federation");
        Assert.Equal("https://id.tj.cart-consortium.example/", Yaml.Str(federation.Doc, "data", "Federation__Issuers__4__Issuer"));
        Assert.Equal("TJ", Yaml.Str(federation.Doc, "data", "Federation__Issuers__4__Country"));
        Assert.Equal(ExternalIssuer, Yaml.Str(federation.Doc, "data", "Federation__Issuers__5__Issuer"));
        Assert.Equal("AM", Yaml.Str(federation.Doc, "data", "Federation__Issuers__5__Country"));

        var gateway = Files.AppContainer(manifests.Single(m => m.Kind == "Deployment" && m.Name == Files.GatewayAppId))!.Environment(manifests);
        Assert.Equal("600", gateway.GetValueOrDefault("RateLimits__Countries__TJ__PermitLimit"));
        Assert.Equal("00:01:00", gateway.GetValueOrDefault("RateLimits__Countries__TJ__Window"));
        Assert.DoesNotContain(gateway.Keys, k => k.StartsWith("RateLimits__Countries__AM", StringComparison.Ordinal));

        var provider = Files.AppContainer(manifests.Single(m => m.Kind == "Deployment" && m.Name == "identity-tj"))!;
        Assert.Equal("https://portal.cart-consortium.example/callback/tj", provider.EnvValue("Identity__Clients__100__RedirectUris__0"));
        Assert.Equal(5204, provider.Ports["http"]);
        Assert.Equal("identity-tj", Files.IngressRoutes(manifests, "id.tj.cart-consortium.example"));
        Assert.Null(Files.IngressRoutes(manifests, "keycloak.moh.example.am"));
        Assert.True(NetworkPolicyTests.Allows(manifests, "ingress-controller", "identity-tj", "http"));
        Assert.True(NetworkPolicyTests.Allows(manifests, "gateway", "identity-tj", "http"));
        Assert.True(NetworkPolicyTests.Allows(manifests, "identity-tj", "postgresql", "5432"));
        Assert.False(NetworkPolicyTests.Allows(manifests, "stranger", "identity-tj", "http"));
        Assert.False(NetworkPolicyTests.Allows(manifests, "identity-tj", "mongodb", "27017"));

        // AM's issuer is reached over HTTPS by the pods that fetch issuer metadata, and only by them, only there.
        foreach (var pod in new[] { "gateway", "registry", "slots", "portal" })
        {
            Assert.True(NetworkPolicyTests.AllowsOut(manifests, pod, "203.0.113.10", 443), $"{pod} cannot reach AM's issuer");
        }
        Assert.False(NetworkPolicyTests.AllowsOut(manifests, "gateway", "203.0.113.10", 80));
        Assert.False(NetworkPolicyTests.AllowsOut(manifests, "gateway", "198.51.100.10", 443));
        Assert.False(NetworkPolicyTests.AllowsOut(manifests, "identity-kz", "203.0.113.10", 443));
        Assert.False(NetworkPolicyTests.AllowsOut(Files.KubernetesManifests(), "gateway", "203.0.113.10", 443));
        // Between the cluster's pods, the new policies change nothing: the committed connections, plus TJ's provider.
        var before = Files.KubernetesManifests();
        var withoutEgress = manifests.Where(m => m.Name is null || !m.Name.StartsWith("external-issuers", StringComparison.Ordinal)).ToList();
        Assert.Empty(NetworkPolicyTests.Differences(withoutEgress, manifests));
        Assert.Empty(NetworkPolicyTests.Differences(before, before));
    }

    [Fact]
    public void The_registry_refuses_to_start_until_the_new_members_have_their_pseudonymisation_keys()
    {
        var list = MemberListReader.Read(File.ReadAllText(Repo.PathOf(Manifests.ListFile)) + TwoNewMembers + "\n");
        using var copy = new ManifestsCopy();
        Manifests.Write(Manifests.Render(list), copy.Folder);
        var problems = new Problems();

        // The Secrets as they were before the new members (the committed list's).
        ClusterReadinessTests.CheckHostsStart(Files.Manifests(copy.Folder), ReadmeSecrets.Load(), problems);

        var failure = Assert.Throws<Xunit.Sdk.FailException>(() => problems.ThrowIfAny("start"));
        Assert.Contains("Registry:Pseudonymisation:CountrySecrets:AM is missing (environment Registry__Pseudonymisation__CountrySecrets__AM", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Registry:Pseudonymisation:CountrySecrets:TJ is missing (environment Registry__Pseudonymisation__CountrySecrets__TJ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_secrets_a_new_member_needs_are_its_pseudonymisation_key_and_for_a_hosted_one_its_providers_Secret()
    {
        var list = MemberListReader.Read(File.ReadAllText(Repo.PathOf(Manifests.ListFile)) + TwoNewMembers + "\n");

        var hosted = SecretCommands.ForMember(list, "TJ");
        var external = SecretCommands.ForMember(list, "AM");

        Assert.Contains("patch secret registry-pseudonymisation", hosted, StringComparison.Ordinal);
        Assert.Contains("Registry__Pseudonymisation__CountrySecrets__TJ", hosted, StringComparison.Ordinal);
        Assert.Equal(["identity-tj"], ReadmeSecrets.Parse(hosted).Keys);
        Assert.Equal(["appsettings.Production.json", "signing-key-encryption-key", "database"], ReadmeSecrets.Parse(hosted)["identity-tj"].Keys);
        Assert.Contains("Registry__Pseudonymisation__CountrySecrets__AM", external, StringComparison.Ordinal);
        Assert.Empty(ReadmeSecrets.Parse(external));
        Assert.Throws<MemberListException>(() => SecretCommands.ForMember(list, "FR"));
    }

    [Fact]
    public void A_member_removed_from_the_list_loses_its_generated_files_and_hand_written_ones_stay()
    {
        var list = CommittedList();
        var withoutKg = list with { Members = [.. list.Members.Where(m => m.Country != "KG")] };
        using var copy = new ManifestsCopy();

        var changes = Manifests.Write(Manifests.Render(withoutKg), copy.Folder);

        Assert.Contains("deleted 31-identity-kg.yaml", changes);
        Assert.False(File.Exists(Path.Combine(copy.Folder, "31-identity-kg.yaml")));
        Assert.True(File.Exists(Path.Combine(copy.Folder, "21-registry.yaml")));
        Assert.Empty(Manifests.Write(Manifests.Render(withoutKg), copy.Folder));

        // Nothing trusts KG any more (a stale issuer would also make the registry ask for KG's secret), and the hosts start.
        var manifests = Files.Manifests(copy.Folder);
        var problems = new Problems();
        FederationTests.CheckKubernetesFederation(manifests, problems);
        ClusterReadinessTests.CheckHostsStart(manifests, ReadmeSecrets.Load(withoutKg), problems);
        problems.ThrowIfAny("The rendered manifests of a list without KG break the cluster's rules");
    }

    // Each case: a list with one mistake, and the words its problem must contain.
    public static TheoryData<string, string> Mistakes => new()
    {
        { Members("- {code: KZ, name: Kazakhstan, identity: hosted}\n- {code: KZ, name: Kazakhstan again, identity: hosted}"), "code KZ is listed 2 times" },
        { Members("- {code: kz, name: Kazakhstan, identity: hosted}"), "members[0] (kz): code 'kz' is not an ISO 3166-1 alpha-2 code in capitals" },
        { Members("- {code: KAZ, name: Kazakhstan, identity: hosted}"), "code 'KAZ' is not an ISO 3166-1 alpha-2 code" },
        { Members("- {name: Kazakhstan, identity: hosted}"), "members[0] (no code): code '' is not an ISO 3166-1 alpha-2 code" },
        { Members("- {code: KZ, identity: hosted}"), "members[0] (KZ): name is missing" },
        { Members("- {code: KZ, name: Kazakhstan, identity: external, issuer: 'http://keycloak.example.kz/realms/cart'}"), "issuer 'http://keycloak.example.kz/realms/cart' is not an https URL" },
        { Members("- {code: KZ, name: Kazakhstan, identity: external, issuer: 'https://keycloak.example.kz/?realm=cart'}"), "is not an https URL without query" },
        { Members("- {code: KZ, name: Kazakhstan, identity: external}"), "members[0] (KZ): identity external needs issuer" },
        { Members("- {code: KZ, name: Kazakhstan, identity: external, issuer: 'https://keycloak.example.kz/'}"), "members[0] (KZ): identity external needs egress" },
        { Members("- {code: KZ, name: Kazakhstan, identity: external, issuer: 'https://keycloak.example.kz/', egress: [keycloak.example.kz]}"), "egress 'keycloak.example.kz' is not an address range in CIDR notation" },
        { Members("- {code: KZ, name: Kazakhstan, identity: external, issuer: 'https://keycloak.example.kz/', egress: [203.0.113.7/24]}"), "egress '203.0.113.7/24' is not an address range in CIDR notation with its host bits zero" },
        { Members("- {code: KZ, name: Kazakhstan, identity: hosted, egress: [203.0.113.0/24]}"), "identity hosted runs in the cluster; remove egress" },
        { Members("- {code: KZ, name: Kazakhstan, identity: hosted, issuer: 'https://id.kz.example/'}"), "identity hosted takes its issuer from the domain (https://id.kz.cart-consortium.example/)" },
        { Members("- {code: KZ, name: Kazakhstan}"), "members[0] (KZ): identity is ''; say hosted" },
        { Members("- {code: KZ, name: Kazakhstan, identity: elsewhere}"), "identity is 'elsewhere'" },
        { Members("- {code: KZ, name: Kazakhstan, identity: external, issuer: 'https://id.cart-consortium.example/'}"), "issuer https://id.cart-consortium.example/ is given to the consortium, KZ" },
        { Members("- {code: KZ, name: Kazakhstan, identity: hosted, quota: {permitLimit: 0}}"), "quota.permitLimit is '0'" },
        { Members("- {code: KZ, name: Kazakhstan, identity: hosted, quota: {permitLimit: 10, window: 1 minute}}"), "quota.window '1 minute' is not a time span over zero" },
        { Members("- {code: KZ, name: Kazakhstan, identity: hosted, quota: {permitLimit: 10, window: '-00:01:00'}}"), "quota.window '-00:01:00' is not a time span over zero" },
        { Members("- {code: KZ, name: Kazakhstan, identity: hosted, quotas: {permitLimit: 10}}"), "line 5: Property 'quotas' not found" },
        { "domain: cart-consortium.example\nconsortium: {identity: hosted}\nmembers: []\n", "members: none listed" },
        { "domain: Cart_Consortium\nconsortium: {identity: hosted}\nmembers:\n- {code: KZ, name: Kazakhstan, identity: hosted}\n", "domain 'Cart_Consortium' is not a DNS name" },
        { "domain: cart-consortium.example\nmembers:\n- {code: KZ, name: Kazakhstan, identity: hosted}\n", "consortium: identity is ''" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_wrong_list_is_refused_naming_the_mistake(string yaml, string problem)
    {
        var refused = Assert.Throws<MemberListException>(() => MemberListReader.Read(yaml));

        Assert.Contains(refused.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_mistake_of_a_list_is_named_at_once()
    {
        var refused = Assert.Throws<MemberListException>(() => MemberListReader.Read(Members(
            "- {code: kz, name: Kazakhstan, identity: hosted}\n- {code: UZ, identity: external}\n- {code: UZ, name: Uzbekistan, identity: hosted}")));

        Assert.Equal(5, refused.Problems.Count);
        Assert.Contains("code 'kz'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("members[1] (UZ): name is missing", refused.Message, StringComparison.Ordinal);
        Assert.Contains("members[1] (UZ): identity external needs issuer", refused.Message, StringComparison.Ordinal);
        Assert.Contains("members[1] (UZ): identity external needs egress", refused.Message, StringComparison.Ordinal);
        Assert.Contains("code UZ is listed 2 times", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_committed_list_gives_each_hosted_provider_its_issuer_and_port_in_order()
    {
        var list = CommittedList();

        Assert.Equal(
            ["https://id.cart-consortium.example/ 5200", "https://id.kz.cart-consortium.example/ 5201", "https://id.uz.cart-consortium.example/ 5202", "https://id.kg.cart-consortium.example/ 5203"],
            list.All.Select(p => $"{p.Issuer} {p.Port}"));
    }

    private static MemberList CommittedList() => MemberListReader.Read(File.ReadAllText(Repo.PathOf(Manifests.ListFile)));

    private static string Members(string entries) => $"domain: cart-consortium.example\nconsortium:\n  identity: hosted\nmembers:\n{entries}\n";

    /// <summary>A temporary copy of deploy/kubernetes, deleted afterwards.</summary>
    private sealed class ManifestsCopy : IDisposable
    {
        public ManifestsCopy()
        {
            Directory.CreateDirectory(Folder);
            foreach (var file in Directory.GetFiles(Repo.PathOf(Files.Kubernetes), "*.yaml"))
            {
                File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
            }
        }

        public string Folder { get; } = Path.Combine(Path.GetTempPath(), "cartc-members-" + Guid.NewGuid().ToString("N"));

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }
}
