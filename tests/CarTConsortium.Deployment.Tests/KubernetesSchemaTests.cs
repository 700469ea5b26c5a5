using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Xunit;

namespace CarTConsortium.Deployment.Tests;

/// <summary>
/// Every Kubernetes manifest against the API's schema: the KubernetesClient models are generated from
/// Kubernetes' OpenAPI spec, and its strict loader refuses a field the schema does not have, a value of the
/// wrong type and a kind it does not know. The models do not carry the spec's "required" lists, so the
/// required fields of the types these manifests use are listed here, from the API reference.
/// Dapr's own resources are checked against Dapr's documented fields by <see cref="DaprBrokerTests"/>.
/// </summary>
public sealed class KubernetesSchemaTests
{
    /// <summary>
    /// Required fields by model type, as the Kubernetes API reference marks them ("required"):
    /// https://kubernetes.io/docs/reference/kubernetes-api/ (workload-resources/deployment-v1, pod-v1,
    /// service-resources/service-v1, ingress-v1, policy-resources/network-policy-v1, ...).
    /// </summary>
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["V1DeploymentSpec"] = ["selector", "template"],
        ["V1Container"] = ["name"],
        ["V1ContainerPort"] = ["containerPort"],
        ["V1EnvVar"] = ["name"],
        ["V1SecretKeySelector"] = ["key"],
        ["V1ConfigMapKeySelector"] = ["key"],
        ["V1HTTPGetAction"] = ["port"],
        ["V1Volume"] = ["name"],
        ["V1VolumeMount"] = ["name", "mountPath"],
        ["V1ServicePort"] = ["port"],
        ["V1IngressRule"] = [],
        ["V1HTTPIngressRuleValue"] = ["paths"],
        ["V1HTTPIngressPath"] = ["pathType", "backend"],
        ["V1IngressServiceBackend"] = ["name"],
        ["V1NetworkPolicySpec"] = ["podSelector"],
        ["V1NetworkPolicyPort"] = [],
        ["V1PodDisruptionBudgetSpec"] = ["selector"],
    };

    public static TheoryData<string> ManifestFiles()
    {
        var files = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repo.PathOf(Files.Kubernetes), "*.yaml").Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetFileName(file));
        }
        return files;
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Every_object_is_a_typed_Kubernetes_object_without_unknown_fields_and_with_its_required_ones(string file)
    {
        var problems = new Problems();

        CheckFile(Path.Combine(Repo.PathOf(Files.Kubernetes), file), problems);

        problems.ThrowIfAny("A manifest does not follow the Kubernetes schema");
    }

    /// <summary>One manifest file's Kubernetes objects (Dapr's left out) against the schema and the required fields.</summary>
    internal static void CheckFile(string path, Problems problems)
    {
        var file = Path.GetFileName(path);
        var documents = Documents(File.ReadAllText(path)).ToList();

        problems.Expect(documents.Count > 0, $"{file}: no YAML document");
        foreach (var document in documents.Where(d => !d.Contains("\napiVersion: dapr.io/", StringComparison.Ordinal) && !d.StartsWith("apiVersion: dapr.io/", StringComparison.Ordinal)))
        {
            List<object> objects;
            try
            {
                objects = KubernetesYaml.LoadAllFromString(document, typeMap: null, strict: true);
            }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException or FormatException)
            {
                problems.Add($"{file}: {e.GetType().Name}: {e.Message} {e.InnerException?.Message}");
                continue;
            }
            foreach (var item in objects)
            {
                if (item is not IKubernetesObject typed)
                {
                    problems.Add($"{file}: '{item?.GetType().Name}' is not a typed Kubernetes object");
                    continue;
                }
                // A manifest's object needs a name (the manifests use no generateName).
                problems.Expect(item is IMetadata<V1ObjectMeta> { Metadata.Name: { Length: > 0 } }, $"{file} ({typed.Kind}): metadata.name is not set");
                foreach (var missing in MissingRequired(item, typed.Kind ?? item.GetType().Name))
                {
                    problems.Add($"{file} ({typed.Kind}): required field {missing} is not set");
                }
            }
        }
    }

    [Fact]
    public void The_strict_loader_refuses_a_field_the_schema_does_not_have()
    {
        const string Budget = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: x\nspec:\n  minAvailable: 1\n";

        Assert.IsType<V1PodDisruptionBudget>(KubernetesYaml.LoadAllFromString(Budget, typeMap: null, strict: true).Single());
        Assert.ThrowsAny<YamlDotNet.Core.YamlException>(() =>
            KubernetesYaml.LoadAllFromString(Budget.Replace("minAvailable", "minAvailible", StringComparison.Ordinal), typeMap: null, strict: true));
    }

    [Fact]
    public void A_missing_required_field_is_found()
    {
        const string Unnamed = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  selector: {}\n  template:\n    spec:\n      containers:\n      - image: x\n";
        var deployment = KubernetesYaml.LoadAllFromString(Unnamed, typeMap: null, strict: true).Single();

        Assert.Equal(["Deployment.spec.template.spec.containers[0].name"], MissingRequired(deployment, "Deployment"));
    }

    /// <summary>One string per YAML document of a file (documents are separated by lines of "---").</summary>
    private static IEnumerable<string> Documents(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n---\n").Where(d => d.Split('\n').Any(l => l.Length > 0 && !l.StartsWith('#')));

    /// <summary>The paths of required properties (<see cref="Required"/>) left unset, walking the typed object.</summary>
    private static IEnumerable<string> MissingRequired(object node, string path)
    {
        var type = node.GetType();
        if (type.Namespace != "k8s.Models")
        {
            yield break;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? property.Name;
            var value = property.GetValue(node);
            var required = Required.GetValueOrDefault(type.Name)?.Contains(name, StringComparer.Ordinal) == true;
            if (value is null)
            {
                if (required)
                {
                    yield return $"{path}.{name}";
                }
                continue;
            }
            if (value is IEnumerable items and not string)
            {
                var index = 0;
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        foreach (var missing in MissingRequired(item, $"{path}.{name}[{index}]"))
                        {
                            yield return missing;
                        }
                    }
                    index++;
                }
                continue;
            }
            foreach (var missing in MissingRequired(value, $"{path}.{name}"))
            {
                yield return missing;
            }
        }
    }
}
