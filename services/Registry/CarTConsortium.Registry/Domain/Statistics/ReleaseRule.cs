namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// A finest cell's (country x product x year of first infusion) frozen data, as every release from
/// <paramref name="TakenAt"/> on publishes it: the cases by pseudonym, exactly as they stood at that cut.
/// </summary>
public sealed record CellSnapshot(CellKey Cell, DateTimeOffset TakenAt, IReadOnlyDictionary<string, CaseSummary> Cases);

/// <summary>
/// The rule that keeps releases sound over time. A finest cell is admitted (its snapshot taken) once it
/// holds at least <see cref="StatisticsCube.MinimumCellSize"/> patients; an admitted snapshot is replaced
/// only when at least that many of its patients are new, changed or gone since it was taken, otherwise
/// the next release repeats it unchanged (same cases, same censoring, so the same figures). Margins and
/// totals are computed from admitted snapshots only. Hence every published figure rests on at least 5
/// patients, and between any two releases every cell and every union of cells (a margin, a margin minus
/// its shown cells) either did not change or changed by the data of at least 5 patients: no difference
/// pins a group smaller than 5. The README's "Statistics" bullet carries the argument and an example.
/// </summary>
public static class ReleaseRule
{
    /// <summary>The fewest new, changed or gone patients that refresh an admitted snapshot.</summary>
    public const int MinimumChange = StatisticsCube.MinimumCellSize;

    /// <summary>
    /// The admitted snapshots of the release cut at <paramref name="cutAt"/>, from the previous release's
    /// and the registry's cases at the cut (consented, active, infused), by pseudonym.
    /// </summary>
    public static IReadOnlyList<CellSnapshot> Next(
        IReadOnlyCollection<CellSnapshot> previous, IReadOnlyDictionary<string, CaseSummary> current, DateTimeOffset cutAt)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        var before = previous.ToDictionary(snapshot => snapshot.Cell);
        var now = current
            .GroupBy(entry => CellKey.Of(entry.Value))
            .ToDictionary(cell => cell.Key, cell => (IReadOnlyDictionary<string, CaseSummary>)cell.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
        var next = new List<CellSnapshot>();
        foreach (var cell in before.Keys.Union(now.Keys))
        {
            var cases = now.GetValueOrDefault(cell) ?? new Dictionary<string, CaseSummary>();
            if (before.TryGetValue(cell, out var snapshot) && Changed(snapshot.Cases, cases) < MinimumChange)
            {
                next.Add(snapshot);
            }
            else if (cases.Count >= StatisticsCube.MinimumCellSize)
            {
                next.Add(new CellSnapshot(cell, cutAt, cases));
            }
            // Otherwise the cell is not admitted: it was never at 5, or 5 or more of an admitted one's
            // patients changed and fewer than 5 remain (the release then drops all of them, still >= 5).
        }
        return [.. next.OrderBy(snapshot => snapshot.Cell, CellKey.Order)];
    }

    /// <summary>The patients that are new, changed or gone between two states of a cell.</summary>
    public static int Changed(IReadOnlyDictionary<string, CaseSummary> before, IReadOnlyDictionary<string, CaseSummary> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changed = after.Count(entry => !before.TryGetValue(entry.Key, out var was) || was != entry.Value);
        return changed + before.Keys.Count(pseudonym => !after.ContainsKey(pseudonym));
    }

    /// <summary>
    /// The release's cube: every cell and margin over the admitted snapshots it covers. A cell or margin
    /// that has patients at the cut (<paramref name="occupied"/>: their finest cells) but no admitted
    /// snapshot is listed suppressed, with no figure. Complementary suppression is not needed: a margin
    /// holds admitted snapshots only, so a margin minus its shown cells is exactly 0 patients.
    /// </summary>
    public static StatisticsCube Publish(IReadOnlyCollection<CellSnapshot> admitted, IEnumerable<CellKey> occupied)
    {
        ArgumentNullException.ThrowIfNull(admitted);
        ArgumentNullException.ThrowIfNull(occupied);
        var shown = admitted
            .SelectMany(snapshot => snapshot.Cell.WithMargins().Select(key => (Key: key, Snapshot: snapshot)))
            .GroupBy(entry => entry.Key, entry => entry.Snapshot)
            .Select(group => StatisticsCell.Shown(group.Key, GroupMeasures.Of([.. group.SelectMany(snapshot => snapshot.Cases.Values)])))
            .ToList();
        var shownKeys = shown.Select(cell => cell.Key).ToHashSet();
        var hidden = occupied.SelectMany(cell => cell.WithMargins()).Where(key => !shownKeys.Contains(key)).Distinct()
            .Select(key => StatisticsCell.Hidden(key, SuppressionReason.SmallCell));
        return StatisticsCube.Of(shown.Concat(hidden));
    }
}
