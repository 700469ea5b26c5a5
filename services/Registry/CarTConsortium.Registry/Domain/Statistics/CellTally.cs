namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>At one day after the first infusion: the survival events and the censorings on that day.</summary>
public sealed record TimeTally(int Day, int Events, int Censored);

/// <summary>
/// The sufficient statistics of a group of cases: every figure of <see cref="GroupMeasures"/> can be
/// computed from them exactly as from the cases themselves (counts for the rates, per-day tallies for
/// the Kaplan-Meier curves). Kept up to date one case at a time, so nobody has to read the cases again.
/// </summary>
/// <param name="OverallSurvival">Per day, in day order; days with no event and no censoring are left out.</param>
/// <param name="EventFreeSurvival">As <paramref name="OverallSurvival"/>.</param>
public sealed record CellTally(
    int Patients, int Assessed, int InRemission, int MrdNegativeRemission, int CrsSevere, int IcansSevere,
    IReadOnlyList<TimeTally> OverallSurvival, IReadOnlyList<TimeTally> EventFreeSurvival)
{
    /// <summary>No cases.</summary>
    public static CellTally Empty { get; } = new(0, 0, 0, 0, 0, 0, [], []);

    public bool IsEmpty => Patients == 0;

    public bool Equals(CellTally? other) =>
        other is not null && Patients == other.Patients && Assessed == other.Assessed && InRemission == other.InRemission
        && MrdNegativeRemission == other.MrdNegativeRemission && CrsSevere == other.CrsSevere && IcansSevere == other.IcansSevere
        && OverallSurvival.SequenceEqual(other.OverallSurvival) && EventFreeSurvival.SequenceEqual(other.EventFreeSurvival);

    public override int GetHashCode() => HashCode.Combine(Patients, Assessed, InRemission, OverallSurvival.Count, EventFreeSurvival.Count);

    /// <summary>The tally of <paramref name="cases"/>, one at a time.</summary>
    public static CellTally Of(IEnumerable<CaseSummary> cases) => cases.Aggregate(Empty, (tally, c) => tally.With(c));

    /// <summary>With one more case.</summary>
    public CellTally With(CaseSummary c) => Plus(c, +1);

    /// <summary>
    /// Without a case this tally counted. Taking away a case it does not hold is a bug in the caller
    /// (the tally would no longer be any group's): refused rather than stored.
    /// </summary>
    public CellTally Without(CaseSummary c) => Plus(c, -1);

    /// <summary>Two groups' tallies as one (a margin from its cells).</summary>
    public CellTally Merge(CellTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new CellTally(
            Patients + other.Patients, Assessed + other.Assessed, InRemission + other.InRemission,
            MrdNegativeRemission + other.MrdNegativeRemission, CrsSevere + other.CrsSevere, IcansSevere + other.IcansSevere,
            MergeDays(OverallSurvival, other.OverallSurvival), MergeDays(EventFreeSurvival, other.EventFreeSurvival));
    }

    private CellTally Plus(CaseSummary c, int sign)
    {
        ArgumentNullException.ThrowIfNull(c);
        var remission = GroupMeasures.InRemission(c);
        var result = new CellTally(
            Patients + sign,
            Assessed + (c.Response is not null ? sign : 0),
            InRemission + (remission ? sign : 0),
            MrdNegativeRemission + (remission && c.MrdNegative ? sign : 0),
            CrsSevere + (c.MaxCrsGrade >= GroupMeasures.SevereGrade ? sign : 0),
            IcansSevere + (c.MaxIcansGrade >= GroupMeasures.SevereGrade ? sign : 0),
            AddDay(OverallSurvival, SurvivalEndpoints.OverallSurvival(c), sign),
            AddDay(EventFreeSurvival, SurvivalEndpoints.EventFreeSurvival(c), sign));
        if (result.Patients < 0 || result.Assessed < 0 || result.InRemission < 0 || result.MrdNegativeRemission < 0
            || result.CrsSevere < 0 || result.IcansSevere < 0)
        {
            throw new TallyMismatchException();
        }
        return result;
    }

    private static List<TimeTally> AddDay(IReadOnlyList<TimeTally> days, (double Time, bool Event) observation, int sign)
    {
        var day = checked((int)observation.Time);
        if (day != observation.Time || day < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(observation), "A survival time is a whole number of days, not negative.");
        }
        var result = days.ToList();
        var at = BinarySearch(result, day);
        var current = at >= 0 ? result[at] : new TimeTally(day, 0, 0);
        var changed = observation.Event ? current with { Events = current.Events + sign } : current with { Censored = current.Censored + sign };
        if (changed.Events < 0 || changed.Censored < 0)
        {
            throw new TallyMismatchException();
        }
        var empty = changed.Events == 0 && changed.Censored == 0;
        if (at >= 0)
        {
            if (empty)
            {
                result.RemoveAt(at);
            }
            else
            {
                result[at] = changed;
            }
        }
        else if (!empty)
        {
            result.Insert(~at, changed);
        }
        return result;
    }

    private static int BinarySearch(List<TimeTally> days, int day)
    {
        int low = 0, high = days.Count - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var compared = days[middle].Day.CompareTo(day);
            if (compared == 0)
            {
                return middle;
            }
            if (compared < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return ~low;
    }

    private static List<TimeTally> MergeDays(IReadOnlyList<TimeTally> a, IReadOnlyList<TimeTally> b)
    {
        var result = new List<TimeTally>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count || j < b.Count)
        {
            if (j == b.Count || (i < a.Count && a[i].Day < b[j].Day))
            {
                result.Add(a[i++]);
            }
            else if (i == a.Count || b[j].Day < a[i].Day)
            {
                result.Add(b[j++]);
            }
            else
            {
                result.Add(new TimeTally(a[i].Day, a[i].Events + b[j].Events, a[i].Censored + b[j].Censored));
                i++;
                j++;
            }
        }
        return result;
    }
}

/// <summary>A case taken away from a tally that does not hold it: the case was read before a change the tally already counts.</summary>
public sealed class TallyMismatchException() : InvalidOperationException("The tally does not hold the case taken away from it.");
