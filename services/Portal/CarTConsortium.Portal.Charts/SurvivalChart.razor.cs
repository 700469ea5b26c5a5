using CarTConsortium.Contracts.Registry.V1;
using Google.Protobuf.Collections;
using Microsoft.AspNetCore.Components;

namespace CarTConsortium.Portal.Charts;

/// <summary>
/// Kaplan-Meier curves of one survival measure, one per group of a statistics answer, each with
/// its shaded 95% band, beside the published benchmark; with the table of the figures drawn.
/// </summary>
public partial class SurvivalChart
{
    internal const double DaysPerMonth = 365.25 / 12;
    internal const int BenchmarkDay = 365;
    internal const double Width = 640;
    internal const double Height = 360;
    private const double Left = 56;
    private const double Right = 24;
    private const double Top = 16;
    private const double Bottom = 52;

    private readonly string _id = "ct-km-" + Guid.NewGuid().ToString("N")[..8];
    private LinearScale _x = new(0, 1, Left, Width - Right);
    private readonly LinearScale _y = new(0, 1, Height - Bottom, Top);
    private IReadOnlyList<Series> _series = [];

    /// <summary>The registry's answer to GetStatistics.</summary>
    [Parameter, EditorRequired]
    public Statistics Statistics { get; set; } = new();

    [Parameter]
    public SurvivalMeasure Measure { get; set; } = SurvivalMeasure.OverallSurvival;

    [Parameter]
    public SurvivalTimeUnit TimeUnit { get; set; } = SurvivalTimeUnit.Months;

    /// <summary>Product names by product id, for the groups' labels (the id is shown without).</summary>
    [Parameter]
    public IReadOnlyDictionary<string, string>? ProductNames { get; set; }

    /// <summary>One group: a statistics cell, its label and its place in the palette.</summary>
    private sealed record Series(string Label, StatisticsCell Cell, int Index);

    protected override void OnParametersSet()
    {
        var cells = StatisticsGroups.Cells(Statistics);
        _series = cells.Select((cell, i) => new Series(GroupLabel(cell), cell, i)).ToList();
        // The axis reaches the last day drawn, and at least the benchmark's year.
        var lastDay = _series.Where(s => !StatisticsGroups.Hidden(s.Cell)).SelectMany(s => Curve(s.Cell)).Select(p => p.Day).DefaultIfEmpty(0).Max();
        var end = LinearScale.NiceCeiling(ToUnit(Math.Max(lastDay, BenchmarkDay)), 6);
        _x = new LinearScale(0, end, Left, Width - Right);
    }

    private string GroupLabel(StatisticsCell cell) => StatisticsGroups.Label(cell, ProductNames, L["WholeConsortium"]);

    private RepeatedField<SurvivalPoint> Curve(StatisticsCell cell) =>
        Measure == SurvivalMeasure.OverallSurvival ? cell.OverallSurvivalCurve : cell.EventFreeSurvivalCurve;

    private double ToUnit(double day) => TimeUnit == SurvivalTimeUnit.Months ? day / DaysPerMonth : day;

    private bool HasCurve(Series series) => !StatisticsGroups.Hidden(series.Cell) && Curve(series.Cell).Count > 0;

    /// <summary>The points to draw: a Kaplan-Meier curve is 1 at day 0 by definition, also when the first point comes later.</summary>
    private List<SurvivalPoint> DrawnPoints(Series series)
    {
        var points = Curve(series.Cell).OrderBy(p => p.Day).ToList();
        if (points.Count > 0 && points[0].Day > 0)
        {
            points.Insert(0, new SurvivalPoint { Day = 0, Survival = 1, Lower = 1, Upper = 1, AtRisk = points[0].AtRisk });
        }
        return points;
    }

    private IReadOnlyList<(double X, double Y)> Edge(Series series, Func<SurvivalPoint, double> level) =>
        Svg.StepVertices(DrawnPoints(series).Select(p => (_x.Map(ToUnit(p.Day)), _y.Map(level(p)))).ToList());

    private string CurvePath(Series series) => Svg.PathData(Edge(series, p => p.Survival));

    private string BandPoints(Series series) => Svg.BandPoints(Edge(series, p => p.Upper), Edge(series, p => p.Lower));

    private string Title => Measure == SurvivalMeasure.OverallSurvival ? L["OverallSurvivalTitle"] : L["EventFreeSurvivalTitle"];

    private string AxisTitle => TimeUnit == SurvivalTimeUnit.Months ? L["MonthsSinceInfusion"] : L["DaysSinceInfusion"];

    private string Description
    {
        get
        {
            var drawn = string.Join(", ", _series.Where(HasCurve).Select(s => s.Label));
            var suppressed = string.Join(", ", _series.Where(s => StatisticsGroups.Hidden(s.Cell)).Select(s => s.Label));
            var text = L["SurvivalDescription", drawn.Length > 0 ? drawn : L["None"]].Value;
            return suppressed.Length > 0 ? text + " " + L["SuppressedGroups", suppressed] : text;
        }
    }

    private string ComputedNote =>
        Statistics.ComputedAt is null
            ? L["SuppressionNote", Figures.Count(Statistics.MinimumCellSize)]
            : L["ComputedNote", Figures.Date(Statistics.ComputedAt), Figures.Count(Statistics.MinimumCellSize)];

    /// <summary>The benchmarks with a one-year overall survival: drawn on the overall survival chart only.</summary>
    private IEnumerable<Benchmark> DrawnBenchmarks =>
        Measure == SurvivalMeasure.OverallSurvival ? Statistics.Benchmarks.Where(b => b.OverallSurvival1Y > 0) : [];


    private static string N(double value) => Svg.Number(value);

    private static string Diamond(double x, double y, double r) =>
        $"{N(x)},{N(y - r)} {N(x + r)},{N(y)} {N(x)},{N(y + r)} {N(x - r)},{N(y)}";
}
