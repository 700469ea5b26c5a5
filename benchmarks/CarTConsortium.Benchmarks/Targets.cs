using System.Globalization;
using Spectre.Console;

namespace CarTConsortium.Benchmarks;

/// <summary>One of issue 17's targets as a run measured it: reported, never asserted.</summary>
/// <param name="Met">Null when this run did not measure it (e.g. a single size gives no RequestRun growth).</param>
public sealed record TargetRow(string Target, string At, string Measured, bool? Met);

/// <summary>The targets table both benchmarks print under their own: target, where it was measured, the figure, met or not.</summary>
public static class Targets
{
    public static void Print(string title, IReadOnlyList<TargetRow> rows)
    {
        var table = new Table().Title(title);
        table.AddColumn("target");
        table.AddColumn("at");
        table.AddColumn("measured", c => c.RightAligned());
        table.AddColumn("met?");
        foreach (var row in rows)
        {
            table.AddRow(Report.Cells(row.Target, row.At, row.Measured, Verdict(row.Met)));
        }
        AnsiConsole.Write(table);
        var missed = rows.Count(r => r.Met == false);
        AnsiConsole.WriteLine($"Targets: {rows.Count(r => r.Met == true)} met, {missed} not met, {rows.Count(r => r.Met is null)} not measured in this run.");
    }

    public static string Verdict(bool? met) => met switch
    {
        true => "yes",
        false => "NO",
        null => "-",
    };

    /// <summary>A latency target: the p99 of <paramref name="m"/> at most <paramref name="limitMs"/>; not measured when <paramref name="m"/> is null.</summary>
    public static TargetRow P99Below(string target, string at, Measurement? m, double limitMs)
    {
        var p99 = m?.Percentile(99) ?? double.NaN;
        return new TargetRow(target, at, double.IsNaN(p99) ? "-" : Report.Milliseconds(p99) + " ms", double.IsNaN(p99) ? null : p99 <= limitMs);
    }

    /// <summary>How far <paramref name="largest"/>'s p99 is above <paramref name="smallest"/>'s, against at most <paramref name="allowed"/> (0.2 for 20%).</summary>
    public static TargetRow P99Growth(string target, string at, Measurement? smallest, Measurement? largest, double allowed)
    {
        var (from, to) = (smallest?.Percentile(99) ?? double.NaN, largest?.Percentile(99) ?? double.NaN);
        if (double.IsNaN(from) || double.IsNaN(to) || from <= 0 || ReferenceEquals(smallest, largest))
        {
            return new TargetRow(target, at, "-", null);
        }
        var growth = (to / from) - 1;
        return new TargetRow(target, at,
            $"{Report.Milliseconds(to)} vs {Report.Milliseconds(from)} ms ({growth.ToString("+0%;-0%", CultureInfo.InvariantCulture)})", growth <= allowed);
    }
}
