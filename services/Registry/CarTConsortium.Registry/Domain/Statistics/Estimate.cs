namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// A rate or survival estimate with its 95% confidence interval, as fractions 0-1, and the number of
/// patients it is over (for a rate: its denominator), so a reader can judge how much it may mean.
/// </summary>
public sealed record Estimate(double Value, double Lower, double Upper, int Denominator)
{
    /// <summary>The standard normal quantile of every two-sided 95% interval here.</summary>
    public const double Z95 = 1.959963984540054;
}
