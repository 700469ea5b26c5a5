using CarTConsortium.Registry.Domain.Statistics;
using Xunit;

namespace CarTConsortium.Registry.Tests.Statistics;

public sealed class KaplanMeierTests
{
    private const double Tolerance = 1e-4;

    // Ten patients, days since infusion; D = died (event), C = censored. Two deaths share day 60, and a
    // death and a censoring share day 120.
    private static readonly (double Time, bool Event)[] Ten =
    [
        (30, true), (60, true), (60, true), (90, false), (120, true),
        (120, false), (200, false), (250, true), (400, false), (500, true),
    ];

    // By hand. n = at risk just before t, d = deaths, c = censored; S(t) = S(t-) (n-d)/n;
    // G = running sum of d/(n(n-d)); se = sqrt(G)/|ln S|; lower = S^exp(1.959964 se), upper = S^exp(-1.959964 se).
    // At day 120 the censored patient is still at risk of the death on the same day: n = 6, not 5.
    //
    //   t    n  d  c  S                      G                          se                          lower     upper
    //   30  10  1  0  9/10      = 0.900000   1/(10*9)         = 0.011111  0.105409/0.105361 = 1.000463  0.473009  0.985281
    //   60   9  2  0  0.9*7/9   = 0.700000   + 2/(9*7)        = 0.042857  0.207020/0.356675 = 0.580416  0.328717  0.891949
    //   90   7  0  1  0.700000               0.042857                   (no event: unchanged)       0.328717  0.891949
    //  120   6  1  1  0.7*5/6   = 0.583333   + 1/(6*5)        = 0.076190  0.276026/0.538997 = 0.512111  0.229787  0.820739
    //  200   4  0  1  0.583333               0.076190                                               0.229787  0.820739
    //  250   3  1  0  *2/3      = 0.388889   + 1/(3*2)        = 0.242857  0.492805/0.944462 = 0.521784  0.072353  0.712014
    //  400   2  0  1  0.388889               0.242857                                               0.072353  0.712014
    //  500   1  1  0  0                      + 1/(1*0)        = infinite  (log-log undefined)           0         0
    public static TheoryData<double, int, int, int, double, double, double, double> TenSteps => new()
    {
        { 30, 10, 1, 0, 0.900000, 0.011111, 0.473009, 0.985281 },
        { 60, 9, 2, 0, 0.700000, 0.042857, 0.328717, 0.891949 },
        { 90, 7, 0, 1, 0.700000, 0.042857, 0.328717, 0.891949 },
        { 120, 6, 1, 1, 0.583333, 0.076190, 0.229787, 0.820739 },
        { 200, 4, 0, 1, 0.583333, 0.076190, 0.229787, 0.820739 },
        { 250, 3, 1, 0, 0.388889, 0.242857, 0.072353, 0.712014 },
        { 400, 2, 0, 1, 0.388889, 0.242857, 0.072353, 0.712014 },
        { 500, 1, 1, 0, 0, double.PositiveInfinity, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(TenSteps))]
    public void Each_step_of_the_worked_example_matches_the_hand_computation(
        double time, int atRisk, int events, int censored, double survival, double greenwoodSum, double lower, double upper)
    {
        var step = Assert.Single(KaplanMeier.Fit(Ten).Steps, s => s.Time == time);

        Assert.Equal((atRisk, events, censored), (step.AtRisk, step.Events, step.Censored));
        Assert.Equal(survival, step.Survival, Tolerance);
        Assert.Equal(greenwoodSum, step.GreenwoodSum, Tolerance);
        Assert.Equal(lower, step.Lower, Tolerance);
        Assert.Equal(upper, step.Upper, Tolerance);
    }

    [Fact]
    public void The_step_table_has_one_row_per_distinct_time_in_order()
    {
        Assert.Equal([30, 60, 90, 120, 200, 250, 400, 500], KaplanMeier.Fit(Ten).Steps.Select(s => s.Time));
    }

    [Fact]
    public void The_order_of_the_observations_does_not_matter()
    {
        Assert.Equal(KaplanMeier.Fit(Ten).Steps, KaplanMeier.Fit(Ten.Reverse()).Steps);
        Assert.Equal(KaplanMeier.Fit(Ten).Steps, KaplanMeier.Fit(Ten.OrderBy(o => o.Event).ThenByDescending(o => o.Time)).Steps);
    }

    // The curve is a right-continuous step function: S(t) is the value of the last step at or before t.
    public static TheoryData<double, double, double, double> TenBetweenSteps => new()
    {
        { 0, 1, 1, 1 },
        { 29.99, 1, 1, 1 },
        { 30, 0.900000, 0.473009, 0.985281 },
        { 59, 0.900000, 0.473009, 0.985281 },
        { 60, 0.700000, 0.328717, 0.891949 },
        { 119.5, 0.700000, 0.328717, 0.891949 },
        { 120, 0.583333, 0.229787, 0.820739 },
        { 365, 0.388889, 0.072353, 0.712014 },
        { 499, 0.388889, 0.072353, 0.712014 },
        { 500, 0, 0, 0 },
        // Everyone at risk died: the curve is 0 for ever, not unknown.
        { 10_000, 0, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(TenBetweenSteps))]
    public void Survival_between_steps_is_that_of_the_last_step(double time, double survival, double lower, double upper)
    {
        var estimate = KaplanMeier.Fit(Ten).EstimateAt(time);

        Assert.NotNull(estimate);
        Assert.Equal(survival, estimate.Value, Tolerance);
        Assert.Equal(lower, estimate.Lower, Tolerance);
        Assert.Equal(upper, estimate.Upper, Tolerance);
        Assert.Equal(10, estimate.Denominator);
    }

    [Fact]
    public void Beyond_the_last_follow_up_survival_is_not_estimable()
    {
        // One death at day 10 among three: S = 2/3 from day 10 until the last patient leaves at day 200.
        var fit = KaplanMeier.Fit([(10, true), (20, false), (200, false)]);

        Assert.Equal(2.0 / 3, fit.EstimateAt(200)!.Value, Tolerance);
        Assert.Null(fit.EstimateAt(200.5));
        Assert.Null(fit.EstimateAt(365));
    }

    [Fact]
    public void With_everyone_censored_survival_is_1_with_no_width_until_the_last_follow_up()
    {
        var fit = KaplanMeier.Fit([(100, false), (200, false), (400, false)]);

        Assert.All(fit.Steps, s => Assert.Equal((1.0, 0.0, 1.0, 1.0), (s.Survival, s.GreenwoodSum, s.Lower, s.Upper)));
        Assert.Equal(new Estimate(1, 1, 1, 3), fit.EstimateAt(365));
        Assert.Equal(new Estimate(1, 1, 1, 3), fit.EstimateAt(400));
        Assert.Null(fit.EstimateAt(401));
    }

    [Fact]
    public void With_everyone_dead_survival_falls_to_0_and_stays_there()
    {
        // Three deaths: S = 2/3, 1/3, 0. At day 20: G = 1/(3*2) + 1/(2*1) = 0.666667, ln(1/3) = -1.098612,
        // se = 0.816497/1.098612 = 0.743207, z se = 1.456659, lower = (1/3)^exp(1.456659) = 0.008962,
        // upper = (1/3)^exp(-1.456659) = 0.774149.
        var fit = KaplanMeier.Fit([(10, true), (20, true), (30, true)]);

        var day20 = fit.EstimateAt(20)!;
        Assert.Equal(1.0 / 3, day20.Value, Tolerance);
        Assert.Equal(0.008962, day20.Lower, Tolerance);
        Assert.Equal(0.774149, day20.Upper, Tolerance);
        Assert.Equal(new Estimate(0, 0, 0, 3), fit.EstimateAt(30));
        Assert.Equal(new Estimate(0, 0, 0, 3), fit.EstimateAt(365));
    }

    [Fact]
    public void A_single_patient_who_died()
    {
        var fit = KaplanMeier.Fit([(100, true)]);

        Assert.Equal(new Estimate(1, 1, 1, 1), fit.EstimateAt(99));
        Assert.Equal(new Estimate(0, 0, 0, 1), fit.EstimateAt(100));
        Assert.Equal(new Estimate(0, 0, 0, 1), fit.EstimateAt(365));
        Assert.Equal(new KaplanMeierStep(100, 1, 1, 0, 0, double.PositiveInfinity, 0, 0), Assert.Single(fit.Steps));
    }

    [Fact]
    public void A_single_patient_censored()
    {
        var fit = KaplanMeier.Fit([(100, false)]);

        Assert.Equal(new Estimate(1, 1, 1, 1), fit.EstimateAt(100));
        Assert.Null(fit.EstimateAt(365));
        Assert.Equal(new KaplanMeierStep(100, 1, 0, 1, 1, 0, 1, 1), Assert.Single(fit.Steps));
    }

    [Fact]
    public void A_death_on_the_day_of_infusion_counts_at_time_0()
    {
        var fit = KaplanMeier.Fit([(0, true), (400, false)]);

        Assert.Equal(0.5, fit.EstimateAt(0)!.Value, Tolerance);
        Assert.Equal(0.5, fit.EstimateAt(365)!.Value, Tolerance);
    }

    [Fact]
    public void Without_observations_nothing_is_estimable()
    {
        var fit = KaplanMeier.Fit([]);

        Assert.Empty(fit.Steps);
        Assert.Equal(0, fit.Count);
        Assert.Null(fit.EstimateAt(0));
        Assert.Null(fit.EstimateAt(365));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Impossible_times_are_refused(double time)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KaplanMeier.Fit([(10, true), (time, false)]));
    }
}
