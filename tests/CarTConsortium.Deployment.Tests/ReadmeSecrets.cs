using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CarTConsortium.Deploy.Render;

namespace CarTConsortium.Deployment.Tests;

/// <summary>
/// The Secrets deploy/README.md and `dotnet run --project deploy/render -- secrets` tell the operator to create (<c>kubectl ... create secret generic NAME
/// --from-literal=KEY=... --from-file=KEY=...</c>, <c>create secret tls NAME</c>), with the value each
/// key would get: what an <c>openssl rand -base64 N</c> makes, a literal as written, a placeholder for a file.
/// </summary>
internal static partial class ReadmeSecrets
{
    public const string Readme = "deploy/README.md";

    /// <summary>The Secrets of the README's commands and of those `render secrets` prints for the committed member list.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Load() =>
        Load(MemberListReader.Read(File.ReadAllText(Repo.PathOf(Manifests.ListFile))));

    /// <summary>The Secrets of the README's commands and of those `render secrets` prints for a member list.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Load(MemberList members) =>
        Parse(File.ReadAllText(Repo.PathOf(Readme)) + "\n" + SecretCommands.ForCluster(members));

    /// <summary>The Secrets some shell text's `kubectl create secret` commands create.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Parse(string shell)
    {
        // Shell continuations joined, so that one command is one line.
        var text = shell.Replace("\\\n", " ", StringComparison.Ordinal);
        var secrets = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (Match command in CreateSecret().Matches(text))
        {
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            if (command.Groups["type"].Value == "tls")
            {
                keys["tls.crt"] = "certificate";
                keys["tls.key"] = "key";
            }
            foreach (Match entry in FromEntry().Matches(command.Groups["rest"].Value))
            {
                keys[entry.Groups["key"].Value] = ValueOf(entry.Groups["kind"].Value, entry.Groups["value"].Value);
            }
            secrets[command.Groups["name"].Value] = keys;
        }
        return secrets;
    }

    private static string ValueOf(string kind, string value)
    {
        if (kind == "file")
        {
            return "(file " + value + ")";
        }
        if (RandomBase64().Match(value) is { Success: true } random)
        {
            return Convert.ToBase64String(RandomNumberGenerator.GetBytes(int.Parse(random.Groups["bytes"].Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
        return value.Trim('\'', '"');
    }

    [GeneratedRegex(@"create secret (?<type>generic|tls) (?<name>[a-z0-9-]+)(?<rest>[^\n]*)")]
    private static partial Regex CreateSecret();

    [GeneratedRegex(@"--from-(?<kind>literal|file)=(?<key>[A-Za-z0-9._-]+)=(?<value>""[^""]*""|'[^']*'|\S*)")]
    private static partial Regex FromEntry();

    [GeneratedRegex(@"openssl rand -base64 (?<bytes>\d+)")]
    private static partial Regex RandomBase64();
}
