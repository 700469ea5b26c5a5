using CarTConsortium.Registry.Domain.Statistics;

namespace CarTConsortium.Registry.Tests.Statistics;

/// <summary>A leaf of a cube: the patients of one country, product and year.</summary>
internal sealed record Leaf(string Country, string Product, int Year, int Patients);

/// <summary>
/// Cubes for the suppression tests, and an attacker's view of them. The lines and the subtraction are
/// worked out here from first principles, not with the production code they check.
/// </summary>
internal static class Cubes
{
    /// <summary>The patient count of every cell of the whole cube (all 8 levels) from its leaves.</summary>
    public static Dictionary<CellKey, int> Counts(IEnumerable<Leaf> leaves)
    {
        var counts = new Dictionary<CellKey, int>();
        foreach (var leaf in leaves.Where(l => l.Patients > 0))
        {
            foreach (var country in new[] { leaf.Country, null })
            {
                foreach (var product in new[] { leaf.Product, null })
                {
                    foreach (var year in new int?[] { leaf.Year, null })
                    {
                        var key = new CellKey(country, product, year);
                        counts[key] = counts.GetValueOrDefault(key) + leaf.Patients;
                    }
                }
            }
        }

        return counts;
    }

    /// <summary>The cases of the leaves: alive, in remission, followed for 400 days.</summary>
    public static List<CaseSummary> Cases(IEnumerable<Leaf> leaves) =>
    [
        .. leaves.SelectMany(leaf => Enumerable.Range(0, leaf.Patients).Select(i =>
        {
            var infused = new DateOnly(leaf.Year, 1, 15).AddDays(i);
            return new CaseSummary(
                leaf.Country, leaf.Product, infused, ResponseAtDay28.CompleteRemission, infused.AddDays(28), i % 2 == 0,
                i % 4, i % 5, null, null, infused.AddDays(400));
        })),
    ];

    /// <summary>
    /// Every additive line: a cell with "all" in one dimension, and the cells equal to it elsewhere with
    /// a specific value there, which sum to it.
    /// </summary>
    public static List<(CellKey Total, List<CellKey> Members)> Lines(IReadOnlyCollection<CellKey> cells)
    {
        var lines = new List<(CellKey, List<CellKey>)>();
        foreach (var total in cells)
        {
            if (total.Country is null)
            {
                lines.Add((total, [.. cells.Where(c => c.Country is not null && c.ProductId == total.ProductId && c.Year == total.Year)]));
            }

            if (total.ProductId is null)
            {
                lines.Add((total, [.. cells.Where(c => c.ProductId is not null && c.Country == total.Country && c.Year == total.Year)]));
            }

            if (total.Year is null)
            {
                lines.Add((total, [.. cells.Where(c => c.Year is not null && c.Country == total.Country && c.ProductId == total.ProductId)]));
            }
        }

        return lines;
    }

    /// <summary>
    /// What an attacker gets by subtraction within one line from the shown cells: each hidden cell
    /// that is the only hidden one of a line, with the value the line then gives it.
    /// </summary>
    public static List<(CellKey Cell, int Value)> DerivableBySubtraction(IReadOnlyDictionary<CellKey, int> patients, IReadOnlySet<CellKey> hidden)
    {
        var derived = new List<(CellKey, int)>();
        foreach (var (total, members) in Lines([.. patients.Keys]))
        {
            var hiddenInLine = members.Append(total).Where(hidden.Contains).ToList();
            if (hiddenInLine.Count != 1)
            {
                continue;
            }

            var shownMembers = members.Where(m => !hidden.Contains(m)).Sum(m => patients[m]);
            var cell = hiddenInLine[0];
            derived.Add((cell, cell == total ? shownMembers : patients[total] - shownMembers));
        }

        return derived;
    }

    /// <summary>A random cube: up to 4 countries, 3 products and 3 years, many leaves small or absent.</summary>
    public static List<Leaf> RandomLeaves(Random random)
    {
        string[] countries = ["AM", "KG", "KZ", "TJ", "UZ"];
        string[] products = ["kymriah", "nexcar19", "varnimcabtagene"];
        var leaves = new List<Leaf>();
        foreach (var country in Pick(random, countries, 1 + random.Next(4)))
        {
            foreach (var product in Pick(random, products, 1 + random.Next(3)))
            {
                foreach (var year in Pick(random, [2022, 2023, 2024, 2025], 1 + random.Next(3)))
                {
                    var patients = random.Next(10) switch
                    {
                        < 3 => 0,
                        < 6 => random.Next(1, 5),
                        _ => random.Next(5, 16),
                    };
                    leaves.Add(new Leaf(country, product, year, patients));
                }
            }
        }

        return leaves;
    }

    private static IEnumerable<T> Pick<T>(Random random, T[] from, int count) => from.OrderBy(_ => random.Next()).Take(count);
}
