namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>The cells a request asked for, and the total within its filters.</summary>
public sealed record StatisticsSlice(IReadOnlyList<StatisticsCell> Cells, StatisticsCell Total)
{
    /// <summary>The slice as published (see <see cref="StatisticsCell.Published"/>).</summary>
    public StatisticsSlice Published() => new([.. Cells.Select(cell => cell.Published())], Total.Published());
}

/// <summary>
/// The consortium's statistics by country, product and year of first infusion: the whole cube with
/// every margin, computed and suppressed once (see <see cref="CellSuppression"/> for the rules and
/// what they do and do not protect against). Every request is answered with cells of this cube, so
/// the same cell is hidden in every table that shows it, and no two requests can be combined to
/// undo a suppression within a line.
/// </summary>
public sealed class StatisticsCube
{
    /// <summary>Cells of fewer patients than this are suppressed.</summary>
    public const int MinimumCellSize = 5;

    private readonly Dictionary<CellKey, StatisticsCell> _cells;

    private StatisticsCube(Dictionary<CellKey, StatisticsCell> cells)
    {
        _cells = cells;
        Cells = [.. cells.Values.OrderBy(cell => cell.Key, CellKey.Order)];
    }

    /// <summary>Every cell with at least one patient, in <see cref="CellKey.Order"/>.</summary>
    public IReadOnlyList<StatisticsCell> Cells { get; }

    public static StatisticsCube Build(IEnumerable<CaseSummary> cases)
    {
        var casesByCell = cases
            .SelectMany(c => CellKey.CellsOf(c).Select(key => (Key: key, Case: c)))
            .GroupBy(entry => entry.Key, entry => entry.Case)
            .ToDictionary(cell => cell.Key, cell => cell.ToList());
        var suppression = CellSuppression.Apply(casesByCell.ToDictionary(cell => cell.Key, cell => cell.Value.Count));
        return new StatisticsCube(casesByCell.ToDictionary(
            cell => cell.Key,
            cell => suppression[cell.Key] == SuppressionReason.None
                ? StatisticsCell.Shown(cell.Key, GroupMeasures.Of(cell.Value))
                : StatisticsCell.Hidden(cell.Key, suppression[cell.Key])));
    }

    /// <summary>A cube of cells already computed and suppressed (a release's, see <see cref="ReleaseRule.Publish"/>).</summary>
    public static StatisticsCube Of(IEnumerable<StatisticsCell> cells) => new(cells.ToDictionary(cell => cell.Key));

    /// <summary>The cell, or null when no patient falls in it.</summary>
    public StatisticsCell? Find(CellKey key) => _cells.GetValueOrDefault(key);

    /// <summary>
    /// The cells of a request: a dimension with a filter (non-null) is fixed to it; otherwise a
    /// dimension in <paramref name="groupBy"/> takes each of its values that has patients, and any
    /// other dimension is "all". Cells come in <see cref="CellKey.Order"/>; with nothing to group by
    /// the one cell is the total itself. The total fixes the filters and is "all" elsewhere. When no
    /// patient matches the filters there are no cells and the total has 0 patients and no figures:
    /// it is not suppressed, since there is nobody to protect and an absent combination is a known zero.
    /// </summary>
    public StatisticsSlice Slice(IReadOnlySet<Dimension> groupBy, string? country, string? productId, int? year)
    {
        var cells = Cells.Where(cell => InSlice(cell.Key, groupBy, country, productId, year)).ToList();
        var totalKey = new CellKey(country, productId, year);
        return new StatisticsSlice(cells, Find(totalKey) ?? StatisticsCell.Shown(totalKey, GroupMeasures.None));
    }

    /// <summary>True when a request (see <see cref="Slice"/>) lists the cell.</summary>
    internal static bool InSlice(CellKey key, IReadOnlySet<Dimension> groupBy, string? country, string? productId, int? year) =>
        Selects(key.Country, country, groupBy.Contains(Dimension.Country))
        && Selects(key.ProductId, productId, groupBy.Contains(Dimension.Product))
        && Selects(key.Year, year, groupBy.Contains(Dimension.Year));

    private static bool Selects<T>(T? value, T? filter, bool grouped) =>
        filter is not null ? EqualityComparer<T?>.Default.Equals(value, filter)
        : grouped ? value is not null
        : value is null;
}
