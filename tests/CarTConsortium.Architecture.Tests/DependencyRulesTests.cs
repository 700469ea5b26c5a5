using System.Reflection;
using CarTConsortium.Approvals;
using CarTConsortium.Procurement;
using CarTConsortium.Registry;
using CarTConsortium.Slots;
using NetArchTest.Rules;
using Xunit;

namespace CarTConsortium.Architecture.Tests;

/// <summary>
/// The map of docs/architecture.md, enforced: a domain holds rules and nothing technical, the API
/// layer does not touch storage, use cases do not speak gRPC or HTTP, and a service uses of
/// another only its published contract (protos) and, for approvals' usage rules, the rules library.
/// </summary>
public sealed class DependencyRulesTests
{
    /// <summary>Every service module, by its name.</summary>
    public static TheoryData<string> Services => ["Registry", "Procurement", "Approvals", "Slots"];

    private static readonly Dictionary<string, Assembly> Modules = new()
    {
        ["Registry"] = typeof(RegistryModule).Assembly,
        ["Procurement"] = typeof(ProcurementModule).Assembly,
        ["Approvals"] = typeof(ApprovalsModule).Assembly,
        ["Slots"] = typeof(SlotsModule).Assembly,
    };

    /// <summary>What a domain must not know: storage, eventing, the wire (protobuf contracts, gRPC) and the web.</summary>
    private static readonly string[] Technical =
    [
        "CarTConsortium.BuildingBlocks.Storage", "CarTConsortium.BuildingBlocks.Eventing", "CarTConsortium.Storage",
        "CarTConsortium.Eventing", "CarTConsortium.Contracts", "CarTConsortium.ServiceDefaults", "Google.Protobuf", "Google.Rpc",
        "Grpc", "Microsoft.AspNetCore", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting",
        "MongoDB", "Microsoft.Data.Sqlite", "Dapr",
    ];

    /// <summary>The types through which code reads or writes a store.</summary>
    private static readonly string[] StoreAccess =
    [
        "CarTConsortium.BuildingBlocks.Storage.IDocumentStore", "CarTConsortium.BuildingBlocks.Storage.ChangeSet",
        "CarTConsortium.BuildingBlocks.Storage.Collection", "CarTConsortium.BuildingBlocks.Storage.DocumentQuery",
        "CarTConsortium.BuildingBlocks.Storage.IOutbox", "CarTConsortium.BuildingBlocks.Storage.IInbox",
        "CarTConsortium.BuildingBlocks.Storage.QueryAll", "CarTConsortium.BuildingBlocks.Storage.ConflictRetry",
        "CarTConsortium.Storage",
    ];

    [Theory]
    [MemberData(nameof(Services))]
    public void A_services_domain_depends_on_no_storage_eventing_wire_or_web_type(string service)
    {
        var domain = $"CarTConsortium.{service}.Domain";
        Assert.NotEmpty(TypesIn(service, domain));

        var result = Types.InAssembly(Modules[service]).That().ResideInNamespaceStartingWith(domain)
            .ShouldNot().HaveDependencyOnAny(Technical).GetResult();

        Assert.True(result.IsSuccessful, Failing(result, $"{domain} depends on storage, eventing, the wire or the web"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_api_layer_maps_and_never_touches_storage(string service)
    {
        var api = $"CarTConsortium.{service}.Api";
        Assert.NotEmpty(TypesIn(service, api));

        // A use case's result may be a Stored<T> (the entity with its id and revision) for the API to map; the store itself is the use case's.
        var result = Types.InAssembly(Modules[service]).That().ResideInNamespaceStartingWith(api)
            .ShouldNot().HaveDependencyOnAny([.. StoreAccess, $"CarTConsortium.{service}.Storage"]).GetResult();

        Assert.True(result.IsSuccessful, Failing(result, $"{api} reads or writes the store itself"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Use_cases_speak_neither_grpc_nor_http(string service)
    {
        var useCases = $"CarTConsortium.{service}.UseCases";
        Assert.NotEmpty(TypesIn(service, useCases));

        var result = Types.InAssembly(Modules[service]).That().ResideInNamespaceStartingWith(useCases)
            .ShouldNot().HaveDependencyOnAny("Grpc", "Google.Rpc", "Microsoft.AspNetCore", $"CarTConsortium.{service}.Api").GetResult();

        Assert.True(result.IsSuccessful, Failing(result, $"{useCases} depends on gRPC, HTTP or the API layer"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_references_no_other_services_internals(string service)
    {
        var others = Modules.Keys.Where(s => s != service).Select(s => $"CarTConsortium.{s}").ToHashSet();

        var referenced = Modules[service].GetReferencedAssemblies().Select(a => a.Name!).Where(others.Contains).ToList();

        Assert.Empty(referenced);
    }

    [Fact]
    public void Approvals_published_rules_are_plain_rules()
    {
        var rules = typeof(CarTConsortium.Approvals.Authorisations.UsageRules).Assembly;

        var result = Types.InAssembly(rules).Should().NotHaveDependencyOnAny(
            [.. Technical.Where(t => t is not "CarTConsortium.Contracts" and not "Google.Protobuf")]).GetResult();

        Assert.True(result.IsSuccessful, Failing(result, "the approvals rules library depends on storage, eventing, gRPC or the web"));
        Assert.DoesNotContain(rules.GetReferencedAssemblies(), a => a.Name is "CarTConsortium.Approvals");
    }

    private static List<Type> TypesIn(string service, string ns) =>
        Modules[service].GetTypes().Where(t => t.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal))).ToList();

    private static string Failing(NetArchTest.Rules.TestResult result, string what) =>
        $"{what}: {string.Join(", ", result.FailingTypeNames ?? [])}";
}
