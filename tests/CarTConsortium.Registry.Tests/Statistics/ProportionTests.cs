using CarTConsortium.Registry.Domain.Statistics;
using Xunit;

namespace CarTConsortium.Registry.Tests.Statistics;

public sealed class ProportionTests
{
    private const double Tolerance = 1e-6;

    // By hand, with z = 1.959963984540054, z^2 = 3.841459, p = x/n:
    //   d = 1 + z^2/n, centre = (p + z^2/(2n)) / d, half = (z/d) sqrt(p(1-p)/n + z^2/(4n^2))
    //   85/100:  p 0.85,     d 1.038415, centre 0.837052, half 0.069888 -> 0.767164 .. 0.906940
    //   217/255: p 0.850980, d 1.015065, centre 0.845772, half 0.043694 -> 0.802078 .. 0.889465
    //            (a CIBMTR-sized real-world cohort: 85% CR, 255 patients)
    //   3/7:     p 0.428571, d 1.548780, centre 0.453881, half 0.295661 -> 0.158220 .. 0.749542
    //   At the edges the interval has a closed form: 0/n gives 0 .. z^2/(n+z^2) and n/n gives
    //   n/(n+z^2) .. 1, so 0/10 -> 0 .. 3.841459/13.841459 = 0.277533, 10/10 -> 10/13.841459 = 0.722467 .. 1,
    //   and 1/1 -> 1/4.841459 = 0.206549 .. 1 (one success says little).
    public static TheoryData<int, int, double, double, double> ByHand => new()
    {
        { 85, 100, 0.85, 0.767164, 0.906940 },
        { 217, 255, 217.0 / 255, 0.802078, 0.889465 },
        { 3, 7, 3.0 / 7, 0.158220, 0.749542 },
        { 0, 10, 0, 0, 0.277533 },
        { 10, 10, 1, 0.722467, 1 },
        { 1, 1, 1, 0.206549, 1 },
    };

    [Theory]
    [MemberData(nameof(ByHand))]
    public void The_Wilson_interval_matches_the_hand_computation(int successes, int trials, double value, double lower, double upper)
    {
        var estimate = Proportion.Wilson(successes, trials);

        Assert.NotNull(estimate);
        Assert.Equal(value, estimate.Value, Tolerance);
        Assert.Equal(lower, estimate.Lower, Tolerance);
        Assert.Equal(upper, estimate.Upper, Tolerance);
        Assert.Equal(trials, estimate.Denominator);
    }

    [Fact]
    public void At_none_and_at_all_one_bound_is_exactly_0_or_1()
    {
        for (var n = 1; n <= 300; n++)
        {
            Assert.Equal(0, Proportion.Wilson(0, n)!.Lower);
            Assert.Equal(1, Proportion.Wilson(n, n)!.Upper);
        }
    }

    [Fact]
    public void Successes_and_failures_are_symmetric()
    {
        for (var n = 1; n <= 120; n++)
        {
            for (var x = 0; x <= n; x++)
            {
                var successes = Proportion.Wilson(x, n)!;
                var failures = Proportion.Wilson(n - x, n)!;

                Assert.Equal(1 - successes.Value, failures.Value, 1e-12);
                Assert.Equal(1 - successes.Upper, failures.Lower, 1e-12);
                Assert.Equal(1 - successes.Lower, failures.Upper, 1e-12);
            }
        }
    }

    [Fact]
    public void The_interval_is_within_0_and_1_and_holds_the_proportion()
    {
        for (var n = 1; n <= 120; n++)
        {
            for (var x = 0; x <= n; x++)
            {
                var estimate = Proportion.Wilson(x, n)!;

                Assert.InRange(estimate.Lower, 0, estimate.Value);
                Assert.InRange(estimate.Upper, estimate.Value, 1);
                Assert.True(estimate.Upper > estimate.Lower, $"{x}/{n} has an empty interval");
            }
        }
    }

    [Fact]
    public void The_interval_narrows_as_the_same_proportion_rests_on_more_patients()
    {
        int[] patients = [4, 20, 100, 500];
        var widths = patients.Select(n => Proportion.Wilson(n * 3 / 4, n)!).Select(e => e.Upper - e.Lower).ToList();

        Assert.Equal(widths.OrderDescending(), widths);
        Assert.Equal(4, widths.Distinct().Count());
    }

    [Fact]
    public void Without_trials_there_is_no_estimate()
    {
        Assert.Null(Proportion.Wilson(0, 0));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    [InlineData(0, -1)]
    public void Impossible_counts_are_refused(int successes, int trials)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Proportion.Wilson(successes, trials));
    }
}
