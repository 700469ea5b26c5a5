using System.Globalization;

namespace CarTConsortium.Slots.Domain.Waitlist;

/// <summary>An entry's place in the waitlist (1 is the head) and the criteria that decided it.</summary>
public sealed record RankedEntry(int Position, WaitlistEntry Entry, string Explanation);

/// <summary>
/// The waitlist's transparent priority: a patient whose manufacturing failed first, then the
/// urgency class, then time waited (the earlier UTC day first: joining on the same day is
/// equal), then a lottery among equals.
/// <para>
/// The lottery among equals orders by each entry's draw (<see cref="LotteryDraw"/>), the lower
/// hex digest first: the draw belongs to the patient and product, so it is the same for every
/// entry the patient makes for the product. Entries made before draws were kept (no draw) come
/// after those with one; the entry id breaks any remaining tie. The order depends on neither the
/// input order nor the process.
/// </para>
/// </summary>
public static class WaitlistOrder
{
    /// <summary>The entries in order, each with its position and explanation; entry ids must be unique.</summary>
    public static IReadOnlyList<RankedEntry> Rank(IEnumerable<WaitlistEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToList();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in list)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            ArgumentException.ThrowIfNullOrEmpty(entry.EntryId, nameof(entries));
            if (!ids.Add(entry.EntryId))
            {
                throw new ArgumentException($"Entry {entry.EntryId} is on the list twice.", nameof(entries));
            }
            if (entry.Urgency is not (UrgencyClass.Emergency or UrgencyClass.Urgent or UrgencyClass.Standard))
            {
                throw new ArgumentException($"Entry {entry.EntryId} has no urgency class.", nameof(entries));
            }
        }

        var drawn = list
            .OrderBy(e => e.PriorFailedRun ? 0 : 1)
            .ThenBy(e => (int)e.Urgency)
            .ThenBy(DayOf)
            .ThenBy(e => e.Draw.Length == 0 ? 1 : 0)
            .ThenBy(e => e.Draw, StringComparer.OrdinalIgnoreCase)
            .ThenBy(e => e.EntryId, StringComparer.Ordinal)
            .ToList();

        var ranked = new List<RankedEntry>(drawn.Count);
        for (var i = 0; i < drawn.Count; i++)
        {
            ranked.Add(new RankedEntry(i + 1, drawn[i], Explain(drawn, i)));
        }
        return ranked;
    }

    private static DateOnly DayOf(WaitlistEntry entry) => DateOnly.FromDateTime(entry.JoinedAt.UtcDateTime);

    private static bool AreEqual(WaitlistEntry a, WaitlistEntry b) =>
        a.PriorFailedRun == b.PriorFailedRun && a.Urgency == b.Urgency && DayOf(a) == DayOf(b);

    // Against the entry just ahead and the one just behind, the first criterion that differs;
    // within a group of equals, the lottery and the entry's draw in it.
    private static string Explain(List<WaitlistEntry> ordered, int index)
    {
        var entry = ordered[index];
        var parts = new List<string>();
        if (index == 0)
        {
            parts.Add("first in line");
        }
        else if (!AreEqual(ordered[index - 1], entry))
        {
            parts.Add($"behind {ordered[index - 1].EntryId}: {WhyFirst(ordered[index - 1], entry)}");
        }
        if (index + 1 < ordered.Count && !AreEqual(entry, ordered[index + 1]))
        {
            parts.Add($"ahead of {ordered[index + 1].EntryId}: {WhyFirst(entry, ordered[index + 1])}");
        }
        var equals = ordered.FindAll(other => AreEqual(other, entry));
        if (equals.Count > 1)
        {
            var draw = equals.IndexOf(entry) + 1;
            var period = entry.DrawPeriod.Length > 0 ? $" (draw of {entry.DrawPeriod})" : " (no draw kept)";
            parts.Add($"lottery among {equals.Count} equals: drawn {draw} of {equals.Count}{period}");
        }
        return string.Join("; ", parts);
    }

    private static string WhyFirst(WaitlistEntry first, WaitlistEntry second)
    {
        if (first.PriorFailedRun != second.PriorFailedRun)
        {
            return "a failed manufacturing run goes first";
        }
        if (first.Urgency != second.Urgency)
        {
            return $"{Name(first.Urgency)} before {Name(second.Urgency)}";
        }
        var days = DayOf(second).DayNumber - DayOf(first).DayNumber;
        return days == 1 ? "joined 1 day earlier" : $"joined {days.ToString(CultureInfo.InvariantCulture)} days earlier";
    }

    private static string Name(UrgencyClass urgency) => urgency switch
    {
        UrgencyClass.Emergency => "emergency",
        UrgencyClass.Urgent => "urgent",
        UrgencyClass.Standard => "standard",
        _ => "unspecified",
    };
}
