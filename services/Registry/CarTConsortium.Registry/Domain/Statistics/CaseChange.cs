using CarTConsortium.Registry.Domain.Patients;

namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// What a change to one patient's record does to the tallies: the record's case leaves the tally of
/// the cell it was counted in and enters that of the cell it is counted in now. A case is counted
/// while the record is active (not frozen) and has an infusion, as <see cref="CaseSummaries"/> sees it.
/// </summary>
/// <param name="Before">The case as counted before the change; null when it was not counted.</param>
/// <param name="After">The case as counted after it; null when it is not counted any more (or not yet).</param>
public sealed record CaseChange(CaseSummary? Before, CaseSummary? After)
{
    /// <summary>The change a write makes from <paramref name="before"/> (null for a new record) to <paramref name="after"/>.</summary>
    public static CaseChange Of(PatientRecord? before, PatientRecord after) => new(Counted(before), Counted(after));

    /// <summary>The case the statistics count for a record: none while it is frozen or not infused.</summary>
    public static CaseSummary? Counted(PatientRecord? record) => record is null || record.IsFrozen ? null : CaseSummaries.Of(record);

    /// <summary>The innermost cells whose tallies change; none when the counted case is the same.</summary>
    public IReadOnlyList<CellKey> Cells =>
        Before == After ? [] : new[] { Before, After }.OfType<CaseSummary>().Select(CellKey.Of).Distinct().ToList();

    /// <summary>The tally of <paramref name="cell"/> after the change, from its tally before it.</summary>
    public CellTally Apply(CellKey cell, CellTally current)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(current);
        if (Before == After)
        {
            return current;
        }
        var result = current;
        if (Before is not null && CellKey.Of(Before) == cell)
        {
            result = result.Without(Before);
        }
        if (After is not null && CellKey.Of(After) == cell)
        {
            result = result.With(After);
        }
        return result;
    }
}
