using System.Text.Json.Serialization;

namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>At one day after the first infusion: the survival events and the censorings on that day.</summary>
public readonly record struct TimeTally(int Day, int Events, int Censored);

/// <summary>
/// The sufficient statistics of a group of cases: every figure of <see cref="GroupMeasures"/> can be
/// computed from them exactly as from the cases themselves (counts for the rates, per-day tallies for
/// the Kaplan-Meier curves). Kept up to date one case at a time, so nobody has to read the cases again.
/// </summary>
/// <param name="OverallSurvival">Per day, in day order; days with no event and no censoring are left out.</param>
/// <param name="EventFreeSurvival">As <paramref name="OverallSurvival"/>.</param>
public sealed record CellTally(
    int Patients, int Assessed, int InRemission, int MrdNegativeRemission, int CrsSevere, int IcansSevere,
    [property: JsonConverter(typeof(TimeTallyListJson))] IReadOnlyList<TimeTally> OverallSurvival,
    [property: JsonConverter(typeof(TimeTallyListJson))] IReadOnlyList<TimeTally> EventFreeSurvival)
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
        return Sum([this, other]);
    }

    /// <summary>The tally of all the groups together, in one pass over their days (a margin from many cells).</summary>
    public static CellTally Sum(IReadOnlyCollection<CellTally> tallies)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        var lastDay = tallies.SelectMany(t => new[] { t.OverallSurvival, t.EventFreeSurvival }).Where(days => days.Count > 0).Select(days => days[^1].Day).DefaultIfEmpty(-1).Max();
        var overall = new DayCounts(lastDay);
        var eventFree = new DayCounts(lastDay);
        int patients = 0, assessed = 0, inRemission = 0, mrdNegative = 0, crs = 0, icans = 0;
        foreach (var tally in tallies)
        {
            patients += tally.Patients;
            assessed += tally.Assessed;
            inRemission += tally.InRemission;
            mrdNegative += tally.MrdNegativeRemission;
            crs += tally.CrsSevere;
            icans += tally.IcansSevere;
            overall.Add(tally.OverallSurvival);
            eventFree.Add(tally.EventFreeSurvival);
        }
        return new CellTally(patients, assessed, inRemission, mrdNegative, crs, icans, overall.ToList(), eventFree.ToList());
    }

    /// <summary>Events and censorings by day, indexed by the day itself: days are few (a lifetime of follow-up).</summary>
    private sealed class DayCounts(int lastDay)
    {
        private readonly int[] _events = new int[lastDay + 1];
        private readonly int[] _censored = new int[lastDay + 1];

        public void Add(IReadOnlyList<TimeTally> days)
        {
            foreach (var day in days)
            {
                _events[day.Day] += day.Events;
                _censored[day.Day] += day.Censored;
            }
        }

        public List<TimeTally> ToList()
        {
            var result = new List<TimeTally>();
            for (var day = 0; day < _events.Length; day++)
            {
                if (_events[day] != 0 || _censored[day] != 0)
                {
                    result.Add(new TimeTally(day, _events[day], _censored[day]));
                }
            }
            return result;
        }
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
}

/// <summary>A case taken away from a tally that does not hold it: the case was read before a change the tally already counts.</summary>
public sealed class TallyMismatchException() : InvalidOperationException("The tally does not hold the case taken away from it.");

/// <summary>
/// Stores a tally's days as one flat array, day, events, censored, day, ...: a cell holds thousands of days,
/// and reading every cell's days is most of a statistics request.
/// </summary>
public sealed class TimeTallyListJson : JsonConverter<IReadOnlyList<TimeTally>>
{
    public override IReadOnlyList<TimeTally> Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        if (reader.TokenType != System.Text.Json.JsonTokenType.StartArray)
        {
            throw new System.Text.Json.JsonException("A tally's days are an array.");
        }
        var days = new List<TimeTally>();
        Span<int> triple = stackalloc int[3];
        var at = 0;
        while (reader.Read() && reader.TokenType != System.Text.Json.JsonTokenType.EndArray)
        {
            triple[at++] = reader.GetInt32();
            if (at == 3)
            {
                days.Add(new TimeTally(triple[0], triple[1], triple[2]));
                at = 0;
            }
        }
        return at == 0 ? days : throw new System.Text.Json.JsonException("A tally's days come in threes: day, events, censored.");
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, IReadOnlyList<TimeTally> value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var day in value)
        {
            writer.WriteNumberValue(day.Day);
            writer.WriteNumberValue(day.Events);
            writer.WriteNumberValue(day.Censored);
        }
        writer.WriteEndArray();
    }
}
