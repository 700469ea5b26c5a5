using System.Text;
using System.Text.RegularExpressions;

namespace CarTConsortium.Platform.Tests;

/// <summary>One REST binding of an RPC, as its google.api.http annotation in protos/ declares it.</summary>
public sealed record ProtoRoute(string Package, string Service, string Rpc, string Takes, string Returns, string Method, string Path, string? Body,
    bool Primary, string? Comment)
{
    public bool HasBody => Body is not null;

    /// <summary>The path as OpenAPI writes it: each variable by its JSON name (lowerCamelCase), without a pattern.</summary>
    public string OpenApiPath => ProtoRoutes.Variable().Replace(Path, match =>
        "{" + string.Join('.', match.Groups["field"].Value.Split('.').Select(ProtoRoutes.JsonName)) + "}");
}

/// <summary>Reads every google.api.http annotation of protos/**/*.proto, the contract's source of truth.</summary>
public static partial class ProtoRoutes
{
    public static IReadOnlyList<ProtoRoute> All() => [.. Files().SelectMany(file => Parse(File.ReadAllText(file)))];

    /// <summary>How many annotations the files hold (each has one primary binding), counted apart from the parser.</summary>
    public static int AnnotationCount() => Files().Sum(file => Regex.Count(File.ReadAllText(file), @"option\s*\(\s*google\.api\.http\s*\)"));

    /// <summary>protoc's JSON name of a field: lowerCamelCase, the underscores dropped.</summary>
    public static string JsonName(string field)
    {
        var name = new StringBuilder();
        var upper = false;
        foreach (var c in field)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            name.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return name.ToString();
    }

    private static IEnumerable<string> Files()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !Directory.Exists(Path.Combine(folder.FullName, "protos")))
        {
            folder = folder.Parent;
        }
        if (folder is null)
        {
            throw new DirectoryNotFoundException("No protos/ folder above " + AppContext.BaseDirectory);
        }
        return Directory.EnumerateFiles(Path.Combine(folder.FullName, "protos"), "*.proto", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
    }

    private static IEnumerable<ProtoRoute> Parse(string proto)
    {
        var package = Package().Match(proto).Groups[1].Value;
        foreach (Match service in Service().Matches(proto))
        {
            var body = Block(proto, service.Index + service.Length - 1);
            foreach (Match rpc in Rpc().Matches(body))
            {
                var comment = LeadingComment(body, rpc.Index);
                var options = Block(body, rpc.Index + rpc.Length - 1);
                var annotation = HttpOption().Match(options);
                if (!annotation.Success)
                {
                    continue;
                }
                var rule = Block(options, annotation.Index + annotation.Length - 1);
                var additional = AdditionalBindings().Matches(rule).Select(m => m.Groups[1].Value).ToList();
                var primary = AdditionalBindings().Replace(rule, "");
                var bindings = additional.Select(binding => (Rule: binding, Primary: false)).Prepend((Rule: primary, Primary: true));
                foreach (var (text, isPrimary) in bindings)
                {
                    var verb = Verb().Match(text);
                    var bodyField = BodyField().Match(text);
                    yield return new ProtoRoute(package, service.Groups[1].Value, rpc.Groups["name"].Value,
                        Qualified(package, rpc.Groups["takes"].Value), Qualified(package, rpc.Groups["returns"].Value),
                        verb.Groups["method"].Value.ToUpperInvariant(), verb.Groups["path"].Value,
                        bodyField.Success ? bodyField.Groups[1].Value : null, isPrimary, comment);
                }
            }
        }
    }

    /// <summary>A message's full name: as written when qualified, else in the file's package.</summary>
    private static string Qualified(string package, string type) => type.Contains('.', StringComparison.Ordinal) ? type.TrimStart('.') : package + "." + type;

    /// <summary>The text between the brace at <paramref name="open"/> and its match; braces in strings and comments do not count.</summary>
    private static string Block(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                i = text.IndexOf('"', i + 1) is var close and >= 0 ? close : throw new FormatException("An unterminated string in a proto file.");
            }
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                i = text.IndexOf('\n', i) is var end and >= 0 ? end : text.Length;
            }
            else
            {
                depth += text[i] switch { '{' => 1, '}' => -1, _ => 0 };
                if (depth == 0)
                {
                    return text[(open + 1)..i];
                }
            }
        }
        throw new FormatException("Unbalanced braces in a proto file.");
    }

    /// <summary>The comment lines right above a declaration (protoc's leading comment), or null.</summary>
    private static string? LeadingComment(string text, int declaration)
    {
        var lines = text[..declaration].Split('\n').Reverse().Skip(1).Select(line => line.Trim())
            .TakeWhile(line => line.StartsWith("//", StringComparison.Ordinal))
            .Reverse()
            .Select(line => line[2..].Trim())
            .ToList();
        return lines.Count == 0 ? null : string.Join(' ', lines);
    }

    [GeneratedRegex(@"^\s*package\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Package();

    [GeneratedRegex(@"\bservice\s+(\w+)\s*\{")]
    private static partial Regex Service();

    [GeneratedRegex(@"\brpc\s+(?<name>\w+)\s*\(\s*(?:stream\s+)?(?<takes>[\w.]+)\s*\)\s*returns\s*\(\s*(?:stream\s+)?(?<returns>[\w.]+)\s*\)\s*\{")]
    private static partial Regex Rpc();

    [GeneratedRegex(@"option\s*\(\s*google\.api\.http\s*\)\s*=\s*\{")]
    private static partial Regex HttpOption();

    [GeneratedRegex(@"additional_bindings\s*\{([^}]*)\}")]
    private static partial Regex AdditionalBindings();

    [GeneratedRegex(@"\b(?<method>get|post|put|patch|delete)\s*:\s*""(?<path>[^""]*)""")]
    private static partial Regex Verb();

    [GeneratedRegex(@"\bbody\s*:\s*""([^""]*)""")]
    private static partial Regex BodyField();

    [GeneratedRegex(@"\{(?<field>[\w.]+)(?:=[^}]*)?\}")]
    internal static partial Regex Variable();
}
