namespace CarTConsortium.Portal.Charts.Tests;

public class LinearScaleTests
{
    [Fact]
    public void Maps_the_domain_onto_the_range_linearly_and_reversed_for_a_vertical_axis()
    {
        var y = new LinearScale(0, 1, 308, 16);

        Assert.Equal(308, y.Map(0), 6);
        Assert.Equal(16, y.Map(1), 6);
        Assert.Equal(308 - 0.77 * 292, y.Map(0.77), 6);
    }

    [Fact]
    public void Clamps_values_outside_the_domain_to_its_edges()
    {
        var x = new LinearScale(10, 20, 0, 100);

        Assert.Equal(0, x.Map(-5), 6);
        Assert.Equal(100, x.Map(25), 6);
    }

    [Fact]
    public void Refuses_an_empty_domain()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearScale(5, 5, 0, 100));
    }

    [Theory]
    [InlineData(0.3, 0.5)]
    [InlineData(1.9, 2)]
    [InlineData(2.19, 5)]
    [InlineData(7, 10)]
    [InlineData(130, 200)]
    public void Rounds_a_step_up_to_1_2_or_5_times_a_power_of_ten(double raw, double nice)
    {
        Assert.Equal(nice, LinearScale.NiceStep(raw), 9);
    }

    [Theory]
    [InlineData(13.14, 6, 15)]
    [InlineData(12, 6, 12)]
    [InlineData(365, 6, 400)]
    [InlineData(1240, 5, 1500)]
    public void Ends_an_axis_at_the_first_round_value_that_shows_the_data(double value, int ticks, double end)
    {
        Assert.Equal(end, LinearScale.NiceCeiling(value, ticks), 9);
    }

    [Fact]
    public void Ticks_are_round_and_span_the_domain()
    {
        Assert.Equal([0, 0.5, 1], new LinearScale(0, 1, 0, 1).Ticks(4));
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1], new LinearScale(0, 1, 0, 1).Ticks(5));
        Assert.Equal([0, 5, 10, 15], new LinearScale(0, 15, 0, 1).Ticks(6));
        Assert.Equal([200, 400], new LinearScale(150, 420, 0, 1).Ticks(2));
    }
}
