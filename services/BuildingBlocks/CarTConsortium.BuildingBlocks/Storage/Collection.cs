using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// A named set of documents of one type, and the keys queries may filter on. A key is
/// computed from the document when it is written and stored beside it, so both storage
/// adapters filter on exactly the same values.
/// </summary>
public sealed partial class Collection<T> where T : class
{
    private readonly Dictionary<string, Func<T, string?>> _keys;

    public Collection(string name, params (string Name, Func<T, string?> Value)[] keys)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Collection name '{name}' must be lower-case letters, digits and underscores.", nameof(name));
        }
        foreach (var key in keys)
        {
            if (!NamePattern().IsMatch(key.Name))
            {
                throw new ArgumentException($"Key name '{key.Name}' must be lower-case letters, digits and underscores.", nameof(keys));
            }
        }
        Name = name;
        _keys = keys.ToDictionary(k => k.Name, k => k.Value, StringComparer.Ordinal);
        KeySet = _keys.Count == 0 ? "" : KeySetOf(_keys.Keys);
    }

    public string Name { get; }

    /// <summary>A short stable hash of the declared key names ("" when none are declared).</summary>
    public string KeySet { get; }

    public bool HasKey(string name) => _keys.ContainsKey(name);

    internal string Serialize(T value) => JsonSerializer.Serialize(value, DocumentJson.Options);

    internal T Deserialize(string json) =>
        JsonSerializer.Deserialize<T>(json, DocumentJson.Options)
        ?? throw new InvalidOperationException($"A stored {Name} document is empty.");

    internal IReadOnlyDictionary<string, string> KeysOf(T value)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, compute) in _keys)
        {
            if (compute(value) is { } key)
            {
                result[name] = key;
            }
        }
        // Marks the whole key set as computed, null keys included: the back-fill finds documents by this mark,
        // not by a missing key (a key that computes to null is missing for good).
        if (KeySet.Length > 0)
        {
            result[KeySetMark.Key] = KeySet;
        }
        return result;
    }

    private static string KeySetOf(IEnumerable<string> names) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', names.Order(StringComparer.Ordinal)))))[..16];

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex NamePattern();
}

/// <summary>The reserved key under which every document's keys carry their collection's key set.</summary>
public static class KeySetMark
{
    /// <summary>
    /// A leading underscore, so no declared key can take the name. A document whose mark differs from its
    /// collection's <see cref="IDocumentCollection.KeySet"/> was written by a release that declared other keys.
    /// </summary>
    public const string Key = "_keyset";
}

/// <summary>One JSON shape for every stored document, whatever the adapter.</summary>
public static class DocumentJson
{
    // Enums by name: reordering an enum must not change what stored data means.
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
