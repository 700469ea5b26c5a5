namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>Why a cell shows no figures.</summary>
public enum SuppressionReason
{
    None,
    /// <summary>Fewer than <see cref="StatisticsCube.MinimumCellSize"/> patients.</summary>
    SmallCell,
    /// <summary>Shown, it would let a suppressed cell be derived by subtraction.</summary>
    Complementary,
}

/// <summary>
/// A published cell: its figures, or none at all when suppressed. Not even the count or a rate is
/// kept, since each of them would give away what the suppression hides (a rate of 1/3 is a count).
/// </summary>
public sealed record StatisticsCell
{
    private StatisticsCell(CellKey key, SuppressionReason suppression, GroupMeasures? measures)
    {
        Key = key;
        Suppression = suppression;
        Measures = measures;
    }

    public CellKey Key { get; }

    public SuppressionReason Suppression { get; }

    public bool Suppressed => Suppression != SuppressionReason.None;

    /// <summary>Null exactly when suppressed.</summary>
    public GroupMeasures? Measures { get; }

    public static StatisticsCell Shown(CellKey key, GroupMeasures measures) => new(key, SuppressionReason.None, measures);

    /// <summary>The cell as published: a hidden cell stays hidden; a shown one keeps only its publishable figures.</summary>
    public StatisticsCell Published() => Measures is null ? this : Shown(Key, Measures.Published());

    public static StatisticsCell Hidden(CellKey key, SuppressionReason reason)
    {
        if (reason == SuppressionReason.None)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), "A hidden cell needs a reason.");
        }

        return new StatisticsCell(key, reason, null);
    }
}
