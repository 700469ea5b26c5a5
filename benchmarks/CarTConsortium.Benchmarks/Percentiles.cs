namespace CarTConsortium.Benchmarks;

/// <summary>Nearest-rank percentiles, as every table of this project reports them.</summary>
public static class Percentiles
{
    /// <summary>The nearest-rank <paramref name="p"/>th percentile of values sorted ascending; NaN when there are none.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? double.NaN
        : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
