namespace CarTConsortium.Deploy.Render;

/// <summary>One manifest the generator writes into deploy/kubernetes: its file name and its whole text.</summary>
public sealed record GeneratedFile(string Name, string Content)
{
    /// <summary>The first line of every generated file: how stale ones are found, and what a reader is told.</summary>
    public const string Marker = "# Generated from deploy/members.yaml by `dotnet run --project deploy/render`: do not edit by hand.";

    /// <summary>A generated file's text: the marker, then the template's (Unix line ends, one final newline).</summary>
    public static GeneratedFile Of(string name, string body) =>
        new(name, Marker + "\n" + body.ReplaceLineEndings("\n").TrimEnd('\n') + "\n");
}
