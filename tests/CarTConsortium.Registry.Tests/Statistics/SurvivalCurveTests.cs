using CarTConsortium.Registry.Domain.Statistics;
using Xunit;

namespace CarTConsortium.Registry.Tests.Statistics;

public sealed class SurvivalCurveTests
{
    private const double Tolerance = 1e-4;

    // Seven patients, days since infusion; D = died (event), C = censored. At day 90 a death and a
    // censoring share the day; the censored patient was still at risk of it.
    private static readonly (double Time, bool Event)[] Seven =
    [
        (10, true), (20, false), (40, true), (60, false), (90, true), (90, false), (120, false),
    ];

    // By hand, as in KaplanMeierTests: n = at risk just before the day.
    //
    //   day  n  d  c  S                        G                           lower     upper
    //     0  7        1                                                    1         1
    //    10  7  1  0  6/7         = 0.857143   1/(7*6)          = 0.023810  0.334054  0.978561
    //    20  6  0  1  0.857143                                             0.334054  0.978561
    //    40  5  1  0  *4/5        = 0.685714   + 1/(5*4)        = 0.073810  0.212797  0.912112
    //    60  4  0  1  0.685714                                             0.212797  0.912112
    //    90  3  1  1  *2/3        = 0.457143   + 1/(3*2)        = 0.240476  0.069091  0.795106
    //   120  1  0  1  0.457143                                             0.069091  0.795106
    public static TheoryData<int, double, double, double, int> SevenPoints => new()
    {
        { 0, 1, 1, 1, 7 },
        { 10, 0.857143, 0.334054, 0.978561, 7 },
        { 20, 0.857143, 0.334054, 0.978561, 6 },
        { 40, 0.685714, 0.212797, 0.912112, 5 },
        { 60, 0.685714, 0.212797, 0.912112, 4 },
        { 90, 0.457143, 0.069091, 0.795106, 3 },
        { 120, 0.457143, 0.069091, 0.795106, 1 },
    };

    [Theory]
    [MemberData(nameof(SevenPoints))]
    public void Each_point_of_the_worked_example_matches_the_hand_computation(int day, double survival, double lower, double upper, int atRisk)
    {
        var point = Assert.Single(SurvivalCurve.Of(KaplanMeier.Fit(Seven)).Points, p => p.Day == day);

        Assert.Equal(survival, point.Survival, Tolerance);
        Assert.Equal(lower, point.Lower, Tolerance);
        Assert.Equal(upper, point.Upper, Tolerance);
        Assert.Equal(atRisk, point.AtRisk);
    }

    [Fact]
    public void The_curve_starts_on_day_0_at_1_and_has_one_point_per_step_in_day_order()
    {
        var curve = SurvivalCurve.Of(KaplanMeier.Fit(Seven));

        Assert.Equal([0, 10, 20, 40, 60, 90, 120], curve.Points.Select(p => p.Day));
        Assert.Equal(new SurvivalPoint(0, 1, 1, 1, 7), curve.Points[0]);
    }

    [Fact]
    public void Published_the_curve_stops_before_the_first_day_with_fewer_than_5_at_risk()
    {
        var published = SurvivalCurve.Of(KaplanMeier.Fit(Seven)).WhileAtRisk(StatisticsCube.MinimumCellSize);

        Assert.Equal([0, 10, 20, 40], published.Points.Select(p => p.Day));
        Assert.Equal(0.685714, published.Points[^1].Survival, Tolerance);
    }

    [Fact]
    public void A_censoring_on_day_0_is_the_start_point_and_a_death_on_day_0_is_a_drop_on_day_0()
    {
        var censored = SurvivalCurve.Of(KaplanMeier.Fit([(0, false), (30, true), (60, false)]));
        var died = SurvivalCurve.Of(KaplanMeier.Fit([(0, true), (30, true), (60, false), (90, false)]));

        Assert.Equal([new SurvivalPoint(0, 1, 1, 1, 3)], censored.Points.Take(1));
        Assert.Equal([0, 30, 60], censored.Points.Select(p => p.Day));
        Assert.Equal([(0, 1.0, 4), (0, 0.75, 4), (30, 0.5, 3)], died.Points.Take(3).Select(p => (p.Day, p.Survival, p.AtRisk)));
    }

    [Fact]
    public void Nobody_fitted_gives_no_points()
    {
        Assert.Empty(SurvivalCurve.Of(KaplanMeier.Fit([])).Points);
        Assert.Empty(GroupMeasures.None.OverallSurvivalCurve.Points);
    }

    [Fact]
    public void Curves_are_equal_when_their_points_are()
    {
        Assert.Equal(SurvivalCurve.Of(KaplanMeier.Fit(Seven)), SurvivalCurve.Of(KaplanMeier.Fit(Enumerable.Reverse(Seven))));
        Assert.NotEqual(SurvivalCurve.Of(KaplanMeier.Fit(Seven)), SurvivalCurve.Of(KaplanMeier.Fit(Seven.Skip(1))));
    }

    [Fact]
    public void A_group_carries_both_curves_and_publishes_each_only_while_5_remain_at_risk()
    {
        var infused = new DateOnly(2024, 3, 1);
        CaseSummary Case(int lastContact, int? died = null, int? relapsed = null) => new("KZ", "nexcar19", infused,
            ResponseAtDay28.CompleteRemission, infused.AddDays(28), false, 0, 0,
            relapsed is { } r ? infused.AddDays(r) : null, died is { } d ? infused.AddDays(d) : null, infused.AddDays(lastContact));
        // Overall survival: a death on day 100 (6 at risk), then censorings on days 200 (5), 300 (4), 400 (3) and 500 (1).
        // Event-free: the relapse on day 50 (6 at risk, 5/6), the death on day 100 (5 at risk, 4/6), then censorings from day 200 (4).
        var measures = GroupMeasures.Of([Case(100, died: 100), Case(400, relapsed: 50), Case(200), Case(300), Case(400), Case(500)]);

        Assert.Equal([0, 100, 200, 300, 400, 500], measures.OverallSurvivalCurve.Points.Select(p => p.Day));
        var published = measures.Published();
        Assert.Equal([(0, 6), (100, 6), (200, 5)], published.OverallSurvivalCurve.Points.Select(p => (p.Day, p.AtRisk)));
        Assert.Equal(5 / 6.0, published.OverallSurvivalCurve.Points[^1].Survival, Tolerance);
        Assert.Equal([0, 50, 100], published.EventFreeSurvivalCurve.Points.Select(p => p.Day));
        Assert.Equal(4 / 6.0, published.EventFreeSurvivalCurve.Points[^1].Survival, Tolerance);
        Assert.Null(StatisticsCell.Hidden(CellKey.All, SuppressionReason.SmallCell).Published().Measures);
    }
}
