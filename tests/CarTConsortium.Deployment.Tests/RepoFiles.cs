using System.Text.Json;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace CarTConsortium.Deployment.Tests;

/// <summary>The repository the tests run in, found from the test binary upwards.</summary>
internal static class Repo
{
    public const string SolutionFile = "CarTConsortium.sln";

    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>A repository-relative path ("a/b.json") as a full path.</summary>
    public static string PathOf(string relative) =>
        Path.GetFullPath(Path.Combine(Root, relative.Replace('\\', '/').Replace('/', Path.DirectorySeparatorChar)));

    /// <summary>A path as the tests print it: relative to the root, with forward slashes.</summary>
    public static string Display(string path) =>
        Path.GetRelativePath(Root, Path.GetFullPath(path, Root)).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds {SolutionFile}.");
    }
}

/// <summary>JSON settings files read the way configuration reads them: comments allowed, keys case-insensitive.</summary>
internal static class Json
{
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static JsonElement Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), Options);
        return document.RootElement.Clone();
    }

    /// <summary>The element at a configuration path ("A:B:C"), matching keys case-insensitively.</summary>
    public static JsonElement? At(JsonElement root, string path)
    {
        JsonElement? current = root;
        foreach (var key in path.Split(':'))
        {
            if (current is not { ValueKind: JsonValueKind.Object } element)
            {
                return null;
            }
            current = null;
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, key, StringComparison.OrdinalIgnoreCase))
                {
                    current = property.Value;
                    break;
                }
            }
        }
        return current;
    }

    /// <summary>A scalar as configuration sees it (numbers and booleans as text).</summary>
    public static string? Text(JsonElement root, string path) => At(root, path) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v => v.GetRawText(),
        _ => null,
    };

    public static IEnumerable<JsonProperty> Properties(JsonElement root, string path) =>
        At(root, path) is { ValueKind: JsonValueKind.Object } element ? element.EnumerateObject() : [];
}

/// <summary>
/// YAML as plain trees: a mapping is a <see cref="Dictionary{TKey, TValue}"/> of string to node,
/// a sequence a <see cref="List{T}"/> of nodes, a scalar its text.
/// </summary>
internal static class Yaml
{
    /// <summary>Every document of a file (Kubernetes files hold several, split by ---); empty ones are skipped.</summary>
    public static IReadOnlyList<Dictionary<string, object?>> LoadDocuments(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(path)))
        {
            stream.Load(reader);
        }
        return stream.Documents
            .Select(d => ToPlain(d.RootNode))
            .OfType<Dictionary<string, object?>>()
            .ToList();
    }

    public static object? Get(object? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(key, out node))
            {
                return null;
            }
        }
        return node;
    }

    public static Dictionary<string, object?>? Map(object? node, params string[] path) => Get(node, path) as Dictionary<string, object?>;

    public static IReadOnlyList<object?> Seq(object? node, params string[] path) => Get(node, path) as List<object?> ?? [];

    public static string? Str(object? node, params string[] path) => Get(node, path) as string;

    public static int? Int(object? node, params string[] path) =>
        int.TryParse(Str(node, path), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>Two trees with the same mappings, sequences and scalars (mapping order ignored).</summary>
    public static bool SameTree(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => SameTree(p.First, p.Second)),
        (Dictionary<string, object?> x, Dictionary<string, object?> y) =>
            x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var other) && SameTree(p.Value, other)),
        _ => false,
    };

    /// <summary>A tree in one line, for failure messages.</summary>
    public static string Describe(object? node) => node switch
    {
        null => "(nothing)",
        string s => s,
        List<object?> list => "[" + string.Join(", ", list.Select(Describe)) + "]",
        Dictionary<string, object?> map => "{" + string.Join(", ", map.Select(p => p.Key + ": " + Describe(p.Value))) + "}",
        _ => node.ToString() ?? "",
    };

    private static object? ToPlain(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(
            c => c.Key is YamlScalarNode key ? key.Value ?? "" : c.Key.ToString(),
            c => ToPlain(c.Value),
            StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(ToPlain).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };
}

/// <summary>Collects every disagreement of a check, so one failure lists them all.</summary>
internal sealed class Problems
{
    private readonly List<string> _items = [];

    public void Add(string problem) => _items.Add(problem);

    public void Expect(bool condition, string problem)
    {
        if (!condition)
        {
            _items.Add(problem);
        }
    }

    /// <summary>Names the sets' difference when they are not equal.</summary>
    public void ExpectSameSet(IEnumerable<string> actual, string actualSource, IEnumerable<string> expected, string expectedSource)
    {
        var a = actual.ToHashSet(StringComparer.Ordinal);
        var e = expected.ToHashSet(StringComparer.Ordinal);
        if (a.SetEquals(e))
        {
            return;
        }
        var missing = e.Except(a).Order(StringComparer.Ordinal);
        var extra = a.Except(e).Order(StringComparer.Ordinal);
        _items.Add($"{actualSource} has [{string.Join(", ", a.Order(StringComparer.Ordinal))}] but {expectedSource} has " +
                   $"[{string.Join(", ", e.Order(StringComparer.Ordinal))}] (missing: [{string.Join(", ", missing)}], extra: [{string.Join(", ", extra)}])");
    }

    public void ThrowIfAny(string what)
    {
        if (_items.Count > 0)
        {
            Assert.Fail($"{what}: {_items.Count} problem(s)\n- " + string.Join("\n- ", _items));
        }
    }
}
