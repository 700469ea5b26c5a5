namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// One distinct observed time of a Kaplan-Meier fit: the patients at risk just before it, the events
/// and censorings at it, and the curve from it on. Events at a time come before the censorings at the
/// same time (a patient censored at t was still at risk of the event at t), as is the convention.
/// </summary>
public sealed record KaplanMeierStep(
    double Time, int AtRisk, int Events, int Censored,
    double Survival, double GreenwoodSum, double Lower, double Upper);

/// <summary>
/// The Kaplan-Meier estimate of a survival curve from (time, event) pairs, with Greenwood's variance
/// and a 95% interval on the log(-log S) scale (the default of R's survival package and most other
/// software): se = sqrt(sum d/(n(n-d))) / |ln S|, lower = S^exp(+z se), upper = S^exp(-z se), which
/// never leaves [0, 1]. Edge cases, as decided:
/// <list type="bullet">
/// <item>S = 1 (no event yet): the interval is [1, 1]. The log-log transform is undefined there and the
/// data hold no event to be uncertain about; the denominator shows how little that may mean.</item>
/// <item>S = 0 (everyone still at risk had the event): the Greenwood sum is infinite and the interval
/// is [0, 0]. The curve stays 0 for ever, so it is estimable even after the last observed time.</item>
/// <item>After the last observed time with S &gt; 0: not estimable (null). Nobody was followed that
/// far, and carrying the last value forward would be extrapolation.</item>
/// <item>No observations: nothing is estimable.</item>
/// </list>
/// </summary>
public sealed class KaplanMeier
{
    private KaplanMeier(int count, IReadOnlyList<KaplanMeierStep> steps)
    {
        Count = count;
        Steps = steps;
    }

    /// <summary>The patients fitted: the denominator of every estimate.</summary>
    public int Count { get; }

    /// <summary>One step per distinct observed time, in time order (censoring-only times included).</summary>
    public IReadOnlyList<KaplanMeierStep> Steps { get; }

    /// <summary>Fits the curve; times are since a common origin and may not be negative.</summary>
    public static KaplanMeier Fit(IEnumerable<(double Time, bool Event)> observations)
    {
        var all = observations.ToList();
        if (all.Any(o => !double.IsFinite(o.Time) || o.Time < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(observations), "Every time must be finite and not negative.");
        }

        return FitGrouped(all.Count, all.GroupBy(o => o.Time).OrderBy(g => g.Key).Select(g => (g.Key, g.Count(o => o.Event), g.Count(o => !o.Event))));
    }

    /// <summary>Fits the curve from per-day tallies (in day order, as <see cref="CellTally"/> keeps them): the same fit as of the observations they count.</summary>
    public static KaplanMeier FromTallies(IReadOnlyList<TimeTally> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (days.Any(d => d.Day < 0 || d.Events < 0 || d.Censored < 0) || days.Zip(days.Skip(1)).Any(pair => pair.First.Day >= pair.Second.Day))
        {
            throw new ArgumentOutOfRangeException(nameof(days), "Days must be in strictly increasing order, none negative, and no count negative.");
        }
        return FitGrouped(days.Sum(d => d.Events + d.Censored), days.Select(d => ((double)d.Day, d.Events, d.Censored)));
    }

    /// <param name="atTimes">Per distinct time, in time order: the events and censorings at it.</param>
    private static KaplanMeier FitGrouped(int count, IEnumerable<(double Time, int Events, int Censored)> atTimes)
    {
        var steps = new List<KaplanMeierStep>();
        var atRisk = count;
        var survival = 1.0;
        var greenwoodSum = 0.0;
        foreach (var (time, events, censored) in atTimes)
        {
            if (events > 0)
            {
                survival *= (double)(atRisk - events) / atRisk;
                greenwoodSum += events == atRisk ? double.PositiveInfinity : events / ((double)atRisk * (atRisk - events));
            }

            var (lower, upper) = LogLogInterval(survival, greenwoodSum);
            steps.Add(new KaplanMeierStep(time, atRisk, events, censored, survival, greenwoodSum, lower, upper));
            atRisk -= events + censored;
        }

        return new KaplanMeier(count, steps);
    }

    /// <summary>S(time) with its 95% interval; null when not estimable (see the class comment).</summary>
    public Estimate? EstimateAt(double time)
    {
        if (Steps.Count == 0 || (time > Steps[^1].Time && Steps[^1].Survival > 0))
        {
            return null;
        }

        var step = Steps.LastOrDefault(s => s.Time <= time);
        return step is null
            ? new Estimate(1, 1, 1, Count)
            : new Estimate(step.Survival, step.Lower, step.Upper, Count);
    }

    private static (double Lower, double Upper) LogLogInterval(double survival, double greenwoodSum)
    {
        if (survival >= 1)
        {
            return (1, 1);
        }

        if (survival <= 0)
        {
            return (0, 0);
        }

        var se = Math.Sqrt(greenwoodSum) / Math.Abs(Math.Log(survival));
        return (Math.Pow(survival, Math.Exp(Estimate.Z95 * se)), Math.Pow(survival, Math.Exp(-Estimate.Z95 * se)));
    }
}
