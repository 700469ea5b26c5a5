using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Portal.Charts;

/// <summary>The groups a statistics answer breaks down into, and how each is named.</summary>
internal static class StatisticsGroups
{
    /// <summary>The cells of the breakdown; the consortium total alone when the request broke down by nothing.</summary>
    public static IReadOnlyList<StatisticsCell> Cells(Statistics statistics) =>
        statistics.Cells.Count > 0 ? statistics.Cells
        : statistics.Total is { } total ? [total]
        : [];

    /// <summary>
    /// Whether the group shows no figures: suppressed, or (the same on the wire) without a patient count, since a
    /// suppressed cell carries no figure at all and an absent count must never be read as an empty group.
    /// </summary>
    public static bool Hidden(StatisticsCell cell) => cell.Suppressed || !cell.HasPatientsInfused;

    /// <summary>Whether a separate consortium-total row belongs under the groups.</summary>
    public static bool HasSeparateTotal(Statistics statistics) => statistics.Cells.Count > 0 && statistics.Total is not null;

    /// <summary>"KZ · tisagenlecleucel · 2025": the dimensions the cell was grouped by, in the request's order.</summary>
    public static string Label(StatisticsCell cell, IReadOnlyDictionary<string, string>? productNames, string wholeConsortium)
    {
        var parts = new List<string>(3);
        if (cell.CountryCode.Length > 0)
        {
            parts.Add(cell.CountryCode);
        }
        if (cell.ProductId.Length > 0)
        {
            parts.Add(productNames is not null && productNames.TryGetValue(cell.ProductId, out var name) ? name : cell.ProductId);
        }
        if (cell.Year > 0)
        {
            parts.Add(cell.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return parts.Count == 0 ? wholeConsortium : string.Join(" · ", parts);
    }
}
