namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// One point of a Kaplan-Meier curve: from <see cref="Day"/> on, the curve is at
/// <see cref="Survival"/> (95% log-log interval <see cref="Lower"/>..<see cref="Upper"/>), with
/// <see cref="AtRisk"/> patients still followed just before the day.
/// </summary>
public sealed record SurvivalPoint(int Day, double Survival, double Lower, double Upper, int AtRisk);

/// <summary>
/// A Kaplan-Meier curve as points: day 0 first (everyone alive and at risk), then one point per
/// day with an event or a censoring. Equal when the points are.
/// </summary>
public sealed record SurvivalCurve(IReadOnlyList<SurvivalPoint> Points)
{
    /// <summary>No points: nobody to draw a curve for, or a curve withheld.</summary>
    public static SurvivalCurve None { get; } = new([]);

    /// <summary>The curve of a fit; no points when nobody was fitted.</summary>
    public static SurvivalCurve Of(KaplanMeier fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.Count == 0)
        {
            return None;
        }
        var start = new SurvivalPoint(0, 1, 1, 1, fit.Count);
        // A day-0 step with no event (a patient censored on the infusion day) is the start point itself.
        var steps = fit.Steps
            .Where(step => step.Time > 0 || step.Events > 0)
            .Select(step => new SurvivalPoint((int)step.Time, step.Survival, step.Lower, step.Upper, step.AtRisk));
        return new SurvivalCurve([start, .. steps]);
    }

    /// <summary>
    /// The curve up to, and not including, the first point at which fewer than
    /// <paramref name="minimumAtRisk"/> patients remain at risk: its tail would rest on too few
    /// patients, and would show how few.
    /// </summary>
    public SurvivalCurve WhileAtRisk(int minimumAtRisk) => new([.. Points.TakeWhile(point => point.AtRisk >= minimumAtRisk)]);

    public bool Equals(SurvivalCurve? other) => other is not null && Points.SequenceEqual(other.Points);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var point in Points)
        {
            hash.Add(point);
        }
        return hash.ToHashCode();
    }
}
