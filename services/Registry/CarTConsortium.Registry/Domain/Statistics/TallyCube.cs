using System.Collections.Concurrent;

namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// The statistics cube from the tallies of its innermost cells (country x product x year) rather than
/// from the cases: the same cells, the same suppression and the same figures as
/// <see cref="StatisticsCube.Build"/> over the cases those tallies count. Suppression needs every
/// cell's count, which the tallies give at once; the figures are computed only for the cells a request
/// asks for, each from the tallies of the innermost cells it covers. Its cost grows with the number of
/// cells and of distinct follow-up days, not with the number of patients. A cube is never changed once
/// built, so many requests may share it: each cell as published is computed by the first request that
/// needs it and kept (<see cref="PublishedSlice"/>). Only the cells asked for are kept, since a shown cell
/// carries two curves of up to a point per follow-up day.
/// </summary>
public sealed class TallyCube
{
    private readonly Dictionary<CellKey, CellTally> _innermost;
    private readonly Dictionary<CellKey, int> _patients;
    private readonly IReadOnlyDictionary<CellKey, SuppressionReason> _suppression;
    private readonly List<CellKey> _ordered;
    private readonly ConcurrentDictionary<CellKey, StatisticsCell> _published = new();

    private TallyCube(Dictionary<CellKey, CellTally> innermost)
    {
        _innermost = innermost;
        _patients = [];
        foreach (var (key, tally) in innermost)
        {
            foreach (var cell in key.WithMargins())
            {
                _patients[cell] = _patients.GetValueOrDefault(cell) + tally.Patients;
            }
        }
        _suppression = CellSuppression.Apply(_patients);
        _ordered = [.. _patients.Keys.Order(CellKey.Order)];
    }

    /// <summary>
    /// The cube of the given tallies, each of one innermost cell (a cell may come several times, in
    /// parts: they are added up). Empty tallies are no cells.
    /// </summary>
    public static TallyCube Of(IEnumerable<(CellKey Cell, CellTally Tally)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var innermost = new Dictionary<CellKey, List<CellTally>>();
        foreach (var (cell, tally) in parts)
        {
            if (cell.Country is null || cell.ProductId is null || cell.Year is null)
            {
                throw new ArgumentException($"Cell {cell} is a margin; tallies are kept for innermost cells only.", nameof(parts));
            }
            if (innermost.TryGetValue(cell, out var same))
            {
                same.Add(tally);
            }
            else
            {
                innermost[cell] = [tally];
            }
        }
        return new TallyCube(innermost
            .Select(cell => (cell.Key, Tally: cell.Value.Count == 1 ? cell.Value[0] : CellTally.Sum(cell.Value)))
            .Where(cell => !cell.Tally.IsEmpty)
            .ToDictionary(cell => cell.Key, cell => cell.Tally));
    }

    /// <summary>The cells of a request, as <see cref="StatisticsCube.Slice"/> answers it.</summary>
    public StatisticsSlice Slice(IReadOnlySet<Dimension> groupBy, string? country, string? productId, int? year) =>
        SliceOf(groupBy, country, productId, year, CellOf);

    /// <summary>The same slice as published (<see cref="StatisticsSlice.Published"/>), its cells computed once per cube.</summary>
    public StatisticsSlice PublishedSlice(IReadOnlySet<Dimension> groupBy, string? country, string? productId, int? year) =>
        SliceOf(groupBy, country, productId, year, PublishedCellOf);

    /// <summary>The cells published so far: the ones a newer cube of the same registry computes before its first request.</summary>
    public IReadOnlyCollection<CellKey> PublishedKeys => [.. _published.Keys];

    /// <summary>Computes ahead the published cells among <paramref name="keys"/> that this cube has.</summary>
    public void Publish(IEnumerable<CellKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys.Where(_patients.ContainsKey))
        {
            _ = PublishedCellOf(key);
        }
    }

    private StatisticsSlice SliceOf(IReadOnlySet<Dimension> groupBy, string? country, string? productId, int? year, Func<CellKey, StatisticsCell> cellOf)
    {
        ArgumentNullException.ThrowIfNull(groupBy);
        var cells = _ordered.Where(key => StatisticsCube.InSlice(key, groupBy, country, productId, year)).Select(cellOf).ToList();
        var totalKey = new CellKey(country, productId, year);
        return new StatisticsSlice(cells, _patients.ContainsKey(totalKey) ? cellOf(totalKey) : StatisticsCell.Shown(totalKey, GroupMeasures.None));
    }

    private StatisticsCell PublishedCellOf(CellKey key) => _published.GetOrAdd(key, cell => CellOf(cell).Published());

    private StatisticsCell CellOf(CellKey key)
    {
        var reason = _suppression[key];
        if (reason != SuppressionReason.None)
        {
            return StatisticsCell.Hidden(key, reason);
        }
        var tally = CellTally.Sum([.. _innermost.Where(cell => key.Covers(cell.Key)).Select(cell => cell.Value)]);
        return StatisticsCell.Shown(key, GroupMeasures.Of(tally));
    }
}
