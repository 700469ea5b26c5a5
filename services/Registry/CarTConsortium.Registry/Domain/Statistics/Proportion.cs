namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>Binomial proportions.</summary>
public static class Proportion
{
    /// <summary>
    /// The proportion with its 95% Wilson score interval: unlike the textbook Wald interval it stays
    /// within [0, 1] and does not collapse to a point at 0/n or n/n, which matters for the small groups
    /// of a paediatric registry. Null when there are no trials: nothing to estimate.
    /// </summary>
    public static Estimate? Wilson(int successes, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0)
        {
            return null;
        }

        double n = trials;
        var p = successes / n;
        var z2 = Estimate.Z95 * Estimate.Z95;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var halfWidth = Estimate.Z95 / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // At 0/n and n/n one bound is exactly 0 or 1; rounding must not push it a hair outside.
        var lower = successes == 0 ? 0 : Math.Max(0, centre - halfWidth);
        var upper = successes == trials ? 1 : Math.Min(1, centre + halfWidth);
        return new Estimate(p, lower, upper, trials);
    }
}
