using System.Globalization;

namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// Small-cell suppression over a whole cube of counts: every combination of (country or all) x
/// (product or all) x (year or all) that has a patient, i.e. all 8 aggregation levels at once.
/// <para>
/// Primary suppression hides every cell of fewer than <see cref="StatisticsCube.MinimumCellSize"/>
/// patients. The cube is then a set of additive lines: fix two dimensions (each to a value or to all)
/// and the cells with a specific value in the third sum to the cell with "all" in it. A line with
/// exactly one hidden cell gives that cell away by subtraction, so complementary suppression hides one
/// more cell of it: the shown cell with the fewest patients (ties in <see cref="CellKey.Order"/>),
/// a cell of the line before the line's total. This repeats over every line until nothing changes.
/// Combinations with no patient are known zeros: they are not cells and never need hiding.
/// </para>
/// <para>
/// What this protects against: deriving a hidden cell by subtraction within any one row, column or
/// line of any published table, whatever combination of requests is made, because every request is
/// answered with cells of this one suppressed cube.
/// </para>
/// <para>
/// What it does not protect against:
/// (1) Derivation by solving several lines at once. Hidden cells at the corners of a rectangle can
/// sometimes be bounded tightly, or pinned down, by a system of equations across lines; only a
/// linear-programming disclosure audit (as tau-ARGUS does) finds and closes those.
/// (2) Bounds from what is published about the hidden cells: a SmallCell cell is known to hold 1-4
/// patients and a Complementary one at least 5, and the rule that picks complements is public. When
/// only two cells of a line are hidden, a SmallCell and a Complementary one, with s patients between
/// them, the small cell has at most s - 5: with s = 6 it is exactly 1.
/// (3) Differencing over time: comparing the cube before and after a case is added, corrected or its
/// consent withdrawn can single out that case. Publishing on a fixed schedule, not on every change,
/// narrows this; it does not close it.
/// </para>
/// </summary>
public static class CellSuppression
{
    /// <summary>
    /// The suppression of every cell of the cube, given its patient counts. The counts must be a whole,
    /// additive cube: every count positive, and every line's total the sum of its cells.
    /// </summary>
    public static IReadOnlyDictionary<CellKey, SuppressionReason> Apply(IReadOnlyDictionary<CellKey, int> patients)
    {
        var lines = LinesOf(patients);
        var reasons = patients.ToDictionary(
            cell => cell.Key,
            cell => cell.Value < StatisticsCube.MinimumCellSize ? SuppressionReason.SmallCell : SuppressionReason.None);
        bool changed;
        do
        {
            changed = false;
            foreach (var line in lines)
            {
                if (line.Cells.Count(cell => reasons[cell] != SuppressionReason.None) != 1)
                {
                    continue;
                }

                var complement = line.Members
                    .Where(cell => reasons[cell] == SuppressionReason.None)
                    .OrderBy(cell => patients[cell])
                    .ThenBy(cell => cell, CellKey.Order)
                    .Append(line.Total)
                    .First(cell => reasons[cell] == SuppressionReason.None);
                reasons[complement] = SuppressionReason.Complementary;
                changed = true;
            }
        }
        while (changed);

        return reasons;
    }

    /// <summary>One additive constraint: the members (specific values along one dimension) sum to the total.</summary>
    private sealed record Line(CellKey Total, IReadOnlyList<CellKey> Members)
    {
        public IEnumerable<CellKey> Cells => Members.Append(Total);
    }

    /// <summary>Every line of the cube, in a fixed order, after checking that the cube adds up.</summary>
    private static List<Line> LinesOf(IReadOnlyDictionary<CellKey, int> patients)
    {
        foreach (var (key, count) in patients)
        {
            if (count <= 0)
            {
                throw new ArgumentException(Invariant($"Cell {key} has {count} patients; a cell with none is absent."), nameof(patients));
            }
        }

        var lines = new List<Line>();
        foreach (var along in CellKey.Dimensions)
        {
            var membersByTotal = patients.Keys
                .Where(key => !key.IsAll(along))
                .GroupBy(key => key.WithAll(along))
                .ToDictionary(members => members.Key, members => members.Order(CellKey.Order).ToList());
            foreach (var total in patients.Keys.Where(key => key.IsAll(along)).Order(CellKey.Order))
            {
                var members = membersByTotal.Remove(total, out var found) ? found : [];
                var sum = members.Sum(member => patients[member]);
                if (sum != patients[total])
                {
                    throw new ArgumentException(Invariant($"Cell {total} has {patients[total]} patients but its cells along {along} sum to {sum}."), nameof(patients));
                }

                lines.Add(new Line(total, members));
            }

            if (membersByTotal.Count > 0)
            {
                throw new ArgumentException(Invariant($"Cell {membersByTotal.Keys.First()} is missing from the cube."), nameof(patients));
            }
        }

        return lines;
    }

    private static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
