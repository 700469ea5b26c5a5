namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>The dimensions the statistics break down by.</summary>
public enum Dimension
{
    Country,
    Product,
    /// <summary>Calendar year of the first infusion.</summary>
    Year,
}

/// <summary>
/// A cell of the statistics cube. Null in a dimension means all its values: a margin.
/// </summary>
public sealed record CellKey(string? Country, string? ProductId, int? Year)
{
    /// <summary>The dimensions, in key order.</summary>
    public static IReadOnlyList<Dimension> Dimensions { get; } = [Dimension.Country, Dimension.Product, Dimension.Year];

    /// <summary>The whole consortium.</summary>
    public static CellKey All { get; } = new(null, null, null);

    /// <summary>
    /// The order cells are listed in and ties are broken by: country, product, year; within each,
    /// specific values in ordinal order and then "all", so a table reads with its totals last.
    /// </summary>
    public static IComparer<CellKey> Order { get; } = Comparer<CellKey>.Create(Compare);

    /// <summary>True when the cell covers all values of the dimension.</summary>
    public bool IsAll(Dimension dimension) => dimension switch
    {
        Dimension.Country => Country is null,
        Dimension.Product => ProductId is null,
        _ => Year is null,
    };

    /// <summary>The same cell with the dimension widened to all its values.</summary>
    public CellKey WithAll(Dimension dimension) => dimension switch
    {
        Dimension.Country => this with { Country = null },
        Dimension.Product => this with { ProductId = null },
        _ => this with { Year = null },
    };

    /// <summary>The 8 cells a case counts in: each dimension at its value or at all.</summary>
    public static IEnumerable<CellKey> CellsOf(CaseSummary c) => Of(c).WithMargins();

    /// <summary>The case's own cell: its country, product and year, no margin.</summary>
    public static CellKey Of(CaseSummary c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new CellKey(c.Country, c.ProductId, c.FirstInfusion.Year);
    }

    /// <summary>The 8 cells of this cell and its margins: each dimension at its value or at all.</summary>
    public IEnumerable<CellKey> WithMargins()
    {
        foreach (var country in new[] { Country, null })
        {
            foreach (var product in new[] { ProductId, null })
            {
                foreach (var year in new int?[] { Year, null })
                {
                    yield return new CellKey(country, product, year);
                }
            }
        }
    }

    /// <summary>True when <paramref name="cell"/> counts in this one: equal in every dimension this one does not widen to all.</summary>
    public bool Covers(CellKey cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return (Country is null || Country == cell.Country) && (ProductId is null || ProductId == cell.ProductId) && (Year is null || Year == cell.Year);
    }

    private static int Compare(CellKey? a, CellKey? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var byCountry = AllLast(a.Country, b.Country) ?? string.CompareOrdinal(a.Country, b.Country);
        if (byCountry != 0)
        {
            return byCountry;
        }

        var byProduct = AllLast(a.ProductId, b.ProductId) ?? string.CompareOrdinal(a.ProductId, b.ProductId);
        return byProduct != 0 ? byProduct : AllLast(a.Year, b.Year) ?? a.Year!.Value.CompareTo(b.Year!.Value);
    }

    /// <summary>The order when either is "all"; null when both are specific values.</summary>
    private static int? AllLast(object? a, object? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        _ => null,
    };
}
