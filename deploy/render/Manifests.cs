namespace CarTConsortium.Deploy.Render;

/// <summary>Every manifest of deploy/kubernetes that depends on the member list, and writing them there.</summary>
public static class Manifests
{
    public const string ListFile = "deploy/members.yaml";
    public const string Folder = "deploy/kubernetes";

    /// <summary>The generated files for a list, in name order.</summary>
    public static IReadOnlyList<GeneratedFile> Render(MemberList list) =>
    [
        .. list.External.Any() ? [ExternalIssuersEgress.Render(list)] : Array.Empty<GeneratedFile>(),
        FederationConfigMap.Render(list),
        GatewayQuotasConfigMap.Render(list),
        .. list.Hosted.Select(p => IdentityProviderManifest.Render(list, p)),
        .. list.Hosted.Any() ? [IdentityIngress.Render(list)] : Array.Empty<GeneratedFile>(),
    ];

    /// <summary>The files of a folder that a render made (their first line is the marker).</summary>
    public static IEnumerable<string> GeneratedIn(string folder) =>
        Directory.GetFiles(folder, "*.yaml")
            .Where(f => File.ReadLines(f).FirstOrDefault() == GeneratedFile.Marker)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// Writes the files into the folder and deletes generated ones the list no longer makes (a member
    /// removed); hand-written files are left alone. Returns what changed, for the console.
    /// </summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<GeneratedFile> files, string folder)
    {
        var changes = new List<string>();
        foreach (var stale in GeneratedIn(folder).Except(files.Select(f => f.Name), StringComparer.Ordinal).ToList())
        {
            File.Delete(Path.Combine(folder, stale));
            changes.Add("deleted " + stale);
        }
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file.Name);
            if (!File.Exists(path) || File.ReadAllText(path) != file.Content)
            {
                File.WriteAllText(path, file.Content);
                changes.Add("wrote " + file.Name);
            }
        }
        return changes;
    }
}
