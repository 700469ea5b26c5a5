using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CarTConsortium.Benchmarks;

/// <summary>What every benchmark's report shares: the console's width, the machine, fact lists, cells and milliseconds.</summary>
public static class Report
{
    /// <summary>Said under a table: this build, and that figures from a Debug build are not worth comparing.</summary>
    public static string BuildNote => $"Build: {BuildConfiguration.Split(' ')[0]}. Debug builds are not comparable: run with -c Release for figures worth comparing.";

    public static string BuildConfiguration =>
#if DEBUG
        "Debug (run with -c Release for figures worth comparing)";
#else
        "Release";
#endif

    /// <summary>Starts a report: a blank line, and a width wide enough for the tables when the output goes to a file.</summary>
    public static void Begin()
    {
        // Redirected to a file, Spectre would assume 80 columns and fold the table.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        }
        AnsiConsole.WriteLine();
    }

    /// <summary>The machine the figures were taken on: processors, OS, .NET, build, GC.</summary>
    public static Grid Machine() => Facts("Machine",
        ("processors", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
        ("OS", RuntimeInformation.OSDescription),
        (".NET", RuntimeInformation.FrameworkDescription),
        ("build", BuildConfiguration),
        ("GC", GCSettings.IsServerGC ? "server" : "workstation"));

    public static Grid Facts(string title, params (string Name, string Value)[] facts)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow(new Text(title, new Style(decoration: Decoration.Bold)), Text.Empty);
        foreach (var (name, value) in facts)
        {
            grid.AddRow(new Text("  " + name), new Text(value));
        }
        return grid;
    }

    // Text, not markup: a status detail may hold brackets.
    public static IRenderable[] Cells(params string[] values) => [.. values.Select(v => new Text(v))];

    public static string Milliseconds(double value) => double.IsNaN(value) ? "-" : value.ToString("F1", CultureInfo.InvariantCulture);
}
