using System.Globalization;

namespace CarTConsortium.Portal.Charts.Tests;

public class SvgTests
{
    [Fact]
    public void A_step_holds_its_level_until_the_next_point_then_drops()
    {
        var vertices = Svg.StepVertices([(0, 10), (5, 20), (8, 20), (12, 30)]);

        Assert.Equal([(0, 10), (5, 10), (5, 20), (8, 20), (12, 20), (12, 30)], vertices);
    }

    [Fact]
    public void Path_and_polygon_numbers_are_invariant_whatever_the_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("ru-RU");
        try
        {
            Assert.Equal("M1.5 2 L3.25 4.13", Svg.PathData([(1.5, 2), (3.25, 4.125001)]));
            Assert.Equal("0,1 2,3 4,5 6,7", Svg.BandPoints([(0, 1), (2, 3)], [(6, 7), (4, 5)]));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
