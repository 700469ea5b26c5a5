using AngleSharp.Dom;
using Bunit;

namespace CarTConsortium.Portal.Charts.Tests;

public class SurvivalChartTests : ChartTestContext
{
    // The plot area: x from 56 to 616 px, survival 1 at y 16 and 0 at y 308.
    private static double Y(double survival) => 308 - survival * 292;

    // 400 days are 13.1 months: the axis ends at 15 months.
    private static double XMonths(int day) => 56 + day / (365.25 / 12) / 15 * 560;

    private IRenderedComponent<SurvivalChart> RenderChart(
        string culture = "en-US", SurvivalMeasure measure = SurvivalMeasure.OverallSurvival, SurvivalTimeUnit unit = SurvivalTimeUnit.Months) =>
        RenderIn<SurvivalChart>(culture, p => p
            .Add(c => c.Statistics, Samples.ByCountry())
            .Add(c => c.Measure, measure)
            .Add(c => c.TimeUnit, unit));

    private static string[] Cells(IElement row) => row.QuerySelectorAll("th, td").Select(c => c.TextContent.Trim()).ToArray();

    [Fact]
    public void The_table_gives_each_groups_figures_as_the_message_has_them()
    {
        var cut = RenderChart();

        Assert.Equal(["KZ", "12", "80.0% (60.0%–90.0%)", "60.0% (40.0%–75.0%)"], Cells(cut.Find("table.ct-survival-summary tbody tr[data-group='KZ']")));
        Assert.Equal(["KG", "6", "too few patients to estimate", "too few patients to estimate"], Cells(cut.Find("table.ct-survival-summary tbody tr[data-group='KG']")));
        Assert.Equal(["All groups (consortium)", "23", "78.0% (62.0%–88.0%)", "57.0% (41.0%–70.0%)"], Cells(cut.Find("table.ct-survival-summary tfoot tr[data-group]")));
        Assert.Equal(["CIBMTR (published benchmark)", "255", "77.0%", "not published"], Cells(cut.Find("tr.ct-benchmark-row")));
        Assert.NotEmpty(cut.Find("table.ct-survival-summary caption").TextContent);
    }

    [Fact]
    public void The_curve_points_table_lists_every_point_of_the_drawn_measure()
    {
        var cut = RenderChart();

        var rows = cut.FindAll("details.ct-points[data-group='KZ'] tbody tr").Select(Cells).ToList();

        Assert.Equal(4, rows.Count);
        Assert.Equal(["100", "3.3", "90.0% (70.0%–97.0%)", "11"], rows[1]);
        Assert.Equal(["400", "13.1", "70.0% (50.0%–83.0%)", "6"], rows[3]);
    }

    [Fact]
    public void A_suppressed_cell_has_no_curve_no_band_and_no_figures()
    {
        var cut = RenderChart();

        Assert.Empty(cut.FindAll("g.ct-series[data-group='UZ']"));
        Assert.Empty(cut.FindAll("details.ct-points[data-group='UZ']"));
        var row = cut.Find("table.ct-survival-summary tr[data-group='UZ']");
        Assert.Equal(["UZ", "suppressed"], Cells(row));
        Assert.DoesNotContain(row.TextContent, char.IsDigit);
        Assert.Contains("UZ: suppressed", cut.Find("ul.ct-legend").TextContent, StringComparison.Ordinal);
        Assert.Contains("Suppressed, not drawn: UZ.", cut.Find("svg desc").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_note_says_when_the_figures_were_computed_and_below_what_size_groups_are_suppressed()
    {
        var statistics = Samples.ByCountry();
        statistics.ComputedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));

        var cut = RenderIn<SurvivalChart>("en-US", p => p.Add(c => c.Statistics, statistics));

        Assert.Equal("Computed on 1 Dec 2026. Groups of fewer than 5 patients, and groups they could be worked out from, are suppressed: nothing of theirs is shown or drawn.", cut.Find("p.ct-chart-note").TextContent);
    }

    [Fact]
    public void A_group_without_a_curve_is_named_in_the_legend_but_not_drawn()
    {
        var cut = RenderChart();

        Assert.Single(cut.FindAll("g.ct-series"));
        Assert.Empty(cut.FindAll("g.ct-series[data-group='KG']"));
        Assert.Contains("KG: no curve", cut.Find("ul.ct-legend").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_curve_is_a_step_function_through_the_messages_points()
    {
        var cut = RenderChart();

        var vertices = Geometry.PathVertices(cut.Find("g.ct-series[data-group='KZ'] path.ct-curve").GetAttribute("d")!);

        (double, double)[] expected =
        [
            (XMonths(0), Y(1)), (XMonths(100), Y(1)), (XMonths(100), Y(0.9)), (XMonths(250), Y(0.9)),
            (XMonths(250), Y(0.8)), (XMonths(400), Y(0.8)), (XMonths(400), Y(0.7)),
        ];
        Assert.Equal(expected.Length, vertices.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Item1, vertices[i].X, 0.01);
            Assert.Equal(expected[i].Item2, vertices[i].Y, 0.01);
        }
    }

    [Fact]
    public void The_band_encloses_the_curve_wherever_the_interval_has_width()
    {
        var cut = RenderChart();

        var curve = Geometry.PathVertices(cut.Find("g.ct-series[data-group='KZ'] path.ct-curve").GetAttribute("d")!);
        var band = Geometry.PolygonPoints(cut.Find("g.ct-series[data-group='KZ'] polygon.ct-band").GetAttribute("points")!);

        // The flat stretches below 100%: from each drop to the next (at 100% the interval is 1-1, no width).
        var stretches = curve.Zip(curve.Skip(1)).Where(s => s.First.Y == s.Second.Y && s.First.X < s.Second.X && s.First.Y > Y(1)).ToList();
        Assert.Equal(2, stretches.Count);
        foreach (var (from, to) in stretches)
        {
            Assert.True(Geometry.Inside(((from.X + to.X) / 2, from.Y), band), $"({from.X}..{to.X}, {from.Y}) is outside the band");
        }
        // And the band is the interval: its top at the upper bound, its bottom at the lower one.
        Assert.Contains(band, c => Math.Abs(c.X - XMonths(250)) < 0.01 && Math.Abs(c.Y - Y(0.9)) < 0.01);
        Assert.Contains(band, c => Math.Abs(c.X - XMonths(250)) < 0.01 && Math.Abs(c.Y - Y(0.6)) < 0.01);
    }

    [Fact]
    public void The_benchmark_is_a_marker_at_one_year_at_its_survival()
    {
        var cut = RenderChart();

        var diamond = Geometry.PolygonPoints(cut.Find("g.ct-benchmark[data-source='CIBMTR'] polygon").GetAttribute("points")!);

        Assert.Equal(XMonths(365), diamond.Average(c => c.X), 0.01);
        Assert.Equal(Y(0.77), diamond.Average(c => c.Y), 0.01);
        Assert.Contains("CIBMTR", cut.Find("g.ct-benchmark title").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_free_survival_draws_its_own_curve_and_no_overall_survival_benchmark()
    {
        var cut = RenderChart(measure: SurvivalMeasure.EventFreeSurvival);

        var vertices = Geometry.PathVertices(cut.Find("g.ct-series[data-group='KZ'] path.ct-curve").GetAttribute("d")!);

        Assert.Equal(Y(0.6), vertices[^1].Y, 0.01);
        Assert.Empty(cut.FindAll("g.ct-benchmark"));
        Assert.Equal(3, cut.FindAll("details.ct-points[data-group='KZ'] tbody tr").Count);
        Assert.StartsWith("Event-free survival", cut.Find("figcaption").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void In_days_the_axis_reads_days_and_ends_at_a_round_day()
    {
        var cut = RenderChart(unit: SurvivalTimeUnit.Days);

        var vertices = Geometry.PathVertices(cut.Find("g.ct-series[data-group='KZ'] path.ct-curve").GetAttribute("d")!);

        Assert.Equal(56 + 100.0 / 400 * 560, vertices[1].X, 0.01);
        Assert.Contains("Days since infusion", cut.Find("g.ct-axis-x").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(cut.FindAll("details.ct-points th"), th => th.TextContent == "Month");
    }

    [Fact]
    public void The_svg_is_labelled_by_its_title_and_description()
    {
        var cut = RenderChart();

        var svg = cut.Find("svg.ct-svg");
        var ids = svg.GetAttribute("aria-labelledby")!.Split(' ');

        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Equal("title", cut.Find($"#{ids[0]}").LocalName);
        Assert.Equal("desc", cut.Find($"#{ids[1]}").LocalName);
        Assert.Contains("Overall survival", cut.Find($"#{ids[0]}").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Russian_changes_the_captions_and_the_number_format_but_not_the_geometry()
    {
        var english = RenderChart();
        var russian = RenderChart("ru-RU");

        Assert.StartsWith("Общая выживаемость", russian.Find("figcaption").TextContent, StringComparison.Ordinal);
        Assert.StartsWith("Выживаемость по группам", russian.Find("table.ct-survival-summary caption").TextContent, StringComparison.Ordinal);
        Assert.Equal("скрыто", russian.Find("tr[data-group='UZ'] td").TextContent.Trim());
        Assert.StartsWith("80,0", russian.FindAll("tr[data-group='KZ'] td")[1].TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal(
            english.Find("path.ct-curve").GetAttribute("d"),
            russian.Find("path.ct-curve").GetAttribute("d"));
    }
}
