using System.Globalization;

namespace CarTConsortium.Portal.Charts.Tests;

/// <summary>Reads back the SVG the charts draw, to check where things are.</summary>
internal static class Geometry
{
    /// <summary>The vertices of an "M x y L x y ..." path.</summary>
    public static List<(double X, double Y)> PathVertices(string d) =>
        Pairs(d.Replace("M", " ", StringComparison.Ordinal).Replace("L", " ", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The corners of a polygon's "x,y x,y ..." points.</summary>
    public static List<(double X, double Y)> PolygonPoints(string points) =>
        Pairs(points.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Even-odd ray casting: whether the point lies strictly inside the polygon.</summary>
    public static bool Inside((double X, double Y) point, IReadOnlyList<(double X, double Y)> polygon)
    {
        var inside = false;
        for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
        {
            var (a, b) = (polygon[i], polygon[j]);
            if ((a.Y > point.Y) != (b.Y > point.Y) && point.X < (b.X - a.X) * (point.Y - a.Y) / (b.Y - a.Y) + a.X)
            {
                inside = !inside;
            }
        }
        return inside;
    }

    private static List<(double X, double Y)> Pairs(string[] numbers)
    {
        var values = numbers.Select(n => double.Parse(n, NumberStyles.Float, CultureInfo.InvariantCulture)).ToList();
        return Enumerable.Range(0, values.Count / 2).Select(i => (values[2 * i], values[2 * i + 1])).ToList();
    }
}
