using CarTConsortium.Registry.Domain.Statistics;

namespace CarTConsortium.Registry.Tests.Statistics;

/// <summary>
/// Random cases for comparing maintained statistics with a recomputation: few countries, products and
/// years, so cells are small (suppressed) as well as large (shown), and follow-up days on a coarse grid,
/// so many cases tie on a day (the Kaplan-Meier steps with several events and censorings).
/// </summary>
internal sealed class RandomCases(int seed)
{
    public static readonly string[] Countries = ["KG", "KZ", "UZ"];
    public static readonly string[] Products = ["academic", "kymriah", "obe-cel"];
    public static readonly int[] Years = [2023, 2024, 2025];

    private readonly Random _random = new(seed);

    public int Next(int maxExclusive) => _random.Next(maxExclusive);

    public CaseSummary Case()
    {
        // Skewed towards the first values, so some cells are crowded and others hold one or two cases.
        var country = Countries[_random.Next(6) switch { 0 => 0, 1 or 2 => 2, _ => 1 }];
        var product = Products[_random.Next(5) == 0 ? 2 : _random.Next(2)];
        var infused = new DateOnly(Years[_random.Next(Years.Length)], 1, 1).AddDays(_random.Next(12) * 30);
        var day = () => infused.AddDays(_random.Next(30) * 20);
        var response = _random.Next(5) switch
        {
            0 => (ResponseAtDay28?)null,
            1 => ResponseAtDay28.NoResponse,
            2 => ResponseAtDay28.CompleteRemissionIncompleteRecovery,
            _ => ResponseAtDay28.CompleteRemission,
        };
        DateOnly? assessed = response is null || (response == ResponseAtDay28.NoResponse && _random.Next(3) == 0) ? null : infused.AddDays(28 + _random.Next(3));
        var remission = response is ResponseAtDay28.CompleteRemission or ResponseAtDay28.CompleteRemissionIncompleteRecovery;
        DateOnly? relapsed = remission && _random.Next(3) == 0 ? day() : null;
        DateOnly? died = _random.Next(4) == 0 ? day() : null;
        DateOnly[] contacts = [infused, day(), .. new[] { assessed, relapsed, died }.OfType<DateOnly>()];
        return new CaseSummary(country, product, infused, response, assessed, remission && _random.Next(2) == 0,
            _random.Next(5), _random.Next(5), relapsed, died, died ?? contacts.Max());
    }

    public List<CaseSummary> Cases(int count) => [.. Enumerable.Range(0, count).Select(_ => Case())];

    /// <summary>Every request: each subset of dimensions to group by, with no filter, each value's filter and one no case has.</summary>
    public static IEnumerable<(HashSet<Dimension> GroupBy, string? Country, string? Product, int? Year)> Requests()
    {
        var groupings = Enumerable.Range(0, 8).Select(bits => CellKey.Dimensions.Where((_, i) => (bits & (1 << i)) != 0).ToHashSet()).ToList();
        foreach (var groupBy in groupings)
        {
            foreach (var country in Countries.Append("US").Append(null))
            {
                foreach (var product in Products.Append("missing").Append(null))
                {
                    foreach (var year in Years.Select(y => (int?)y).Append(2030).Append(null))
                    {
                        yield return (groupBy, country, product, year);
                    }
                }
            }
        }
    }
}
