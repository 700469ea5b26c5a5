using System.Globalization;
using System.Text;

namespace CarTConsortium.Portal.Charts;

/// <summary>SVG geometry as text. Always invariant: a Russian decimal comma would break a path.</summary>
internal static class Svg
{
    public static string Number(double value) =>
        Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>
    /// The corners of a right-continuous step function through the points: the level holds until
    /// the next point's x, then drops (or rises) there, as a Kaplan-Meier curve does.
    /// </summary>
    public static IReadOnlyList<(double X, double Y)> StepVertices(IReadOnlyList<(double X, double Y)> points)
    {
        var vertices = new List<(double X, double Y)>(points.Count * 2);
        for (var i = 0; i < points.Count; i++)
        {
            if (i > 0 && points[i].Y != points[i - 1].Y)
            {
                vertices.Add((points[i].X, points[i - 1].Y));
            }
            if (i == 0 || points[i] != vertices[^1])
            {
                vertices.Add(points[i]);
            }
        }
        return vertices;
    }

    /// <summary>An open path through the vertices ("M x y L x y ...").</summary>
    public static string PathData(IReadOnlyList<(double X, double Y)> vertices)
    {
        var data = new StringBuilder();
        for (var i = 0; i < vertices.Count; i++)
        {
            data.Append(i == 0 ? "M" : " L").Append(Number(vertices[i].X)).Append(' ').Append(Number(vertices[i].Y));
        }
        return data.ToString();
    }

    /// <summary>A closed band: along the upper edge forwards, then back along the lower edge.</summary>
    public static string BandPoints(IReadOnlyList<(double X, double Y)> upper, IReadOnlyList<(double X, double Y)> lower)
    {
        var corners = upper.Concat(lower.Reverse());
        return string.Join(' ', corners.Select(c => Number(c.X) + "," + Number(c.Y)));
    }
}
