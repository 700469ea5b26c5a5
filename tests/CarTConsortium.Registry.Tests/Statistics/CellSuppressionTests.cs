using CarTConsortium.Registry.Domain.Statistics;
using Xunit;

namespace CarTConsortium.Registry.Tests.Statistics;

public sealed class CellSuppressionTests
{
    private const SuppressionReason None = SuppressionReason.None;
    private const SuppressionReason Small = SuppressionReason.SmallCell;
    private const SuppressionReason Complementary = SuppressionReason.Complementary;

    [Theory]
    [InlineData(1, Small)]
    [InlineData(4, Small)]
    [InlineData(5, None)]
    [InlineData(6, None)]
    public void A_cell_of_4_is_suppressed_and_a_cell_of_5_is_not(int patients, SuppressionReason expected)
    {
        // One leaf: all 8 cells of the cube hold the same patients.
        var reasons = CellSuppression.Apply(Cubes.Counts([new Leaf("KZ", "nexcar19", 2024, patients)]));

        Assert.Equal(8, reasons.Count);
        Assert.All(reasons.Values, reason => Assert.Equal(expected, reason));
    }

    [Fact]
    public void A_cube_without_small_cells_is_shown_whole()
    {
        var counts = Cubes.Counts([new("KZ", "a", 2024, 5), new("KZ", "b", 2024, 6), new("UZ", "a", 2024, 7), new("UZ", "b", 2024, 5)]);

        Assert.All(CellSuppression.Apply(counts).Values, reason => Assert.Equal(None, reason));
    }

    [Fact]
    public void A_single_small_cell_in_a_row_forces_the_smallest_other_cell_of_the_row()
    {
        // One country, one year, four products: a = 2 must go, and with it the smallest other cell.
        // b and c tie at 6; b comes first in key order. Each product's cells repeat on all 4 planes
        // (country KZ or all) x (year 2024 or all), and the same choice is made on each.
        var counts = Cubes.Counts([new("KZ", "a", 2024, 2), new("KZ", "b", 2024, 6), new("KZ", "c", 2024, 6), new("KZ", "d", 2024, 9)]);

        var reasons = CellSuppression.Apply(counts);

        var expected = new Dictionary<string, SuppressionReason> { ["a"] = Small, ["b"] = Complementary, ["c"] = None, ["d"] = None };
        foreach (var (key, reason) in reasons)
        {
            Assert.Equal(key.ProductId is null ? None : expected[key.ProductId], reason);
        }

        Assert.Empty(Cubes.DerivableBySubtraction(counts, Hidden(reasons)));
    }

    [Fact]
    public void One_small_cell_in_a_two_by_two_table_hides_the_four_inner_cells_and_no_margin()
    {
        //            a    b   all
        //   KZ       3    9    12
        //   UZ       8    7    15
        //   all     11   16    27      (one year, 2024: each cell also appears with year "all")
        var counts = Cubes.Counts([new("KZ", "a", 2024, 3), new("KZ", "b", 2024, 9), new("UZ", "a", 2024, 8), new("UZ", "b", 2024, 7)]);

        var reasons = CellSuppression.Apply(counts);

        foreach (var (key, reason) in reasons)
        {
            var expected = key.Country is null || key.ProductId is null ? None
                : key is { Country: "KZ", ProductId: "a" } ? Small
                : Complementary;
            Assert.Equal(expected, reason);
        }
    }

    [Fact]
    public void Primary_suppression_alone_gives_the_small_cell_away_and_the_complementary_cells_stop_it()
    {
        var counts = Cubes.Counts([new("KZ", "a", 2024, 3), new("KZ", "b", 2024, 9), new("UZ", "a", 2024, 8), new("UZ", "b", 2024, 7)]);
        var primaryOnly = counts.Where(c => c.Value < StatisticsCube.MinimumCellSize).Select(c => c.Key).ToHashSet();

        // The attack works: 12 - 9 = 3 in the KZ row, 11 - 8 = 3 in the a column, and so on.
        var leaked = Cubes.DerivableBySubtraction(counts, primaryOnly);
        Assert.Contains((new CellKey("KZ", "a", 2024), 3), leaked);
        Assert.All(leaked, l => Assert.Equal(counts[l.Cell], l.Value));

        Assert.Empty(Cubes.DerivableBySubtraction(counts, Hidden(CellSuppression.Apply(counts))));
    }

    public static TheoryData<string> HandBuiltCubes => new(HandBuilt.Keys);

    private static readonly Dictionary<string, Leaf[]> HandBuilt = new()
    {
        ["small cells in two years of two countries"] =
        [
            new("KZ", "a", 2023, 2), new("KZ", "a", 2024, 6), new("KZ", "b", 2023, 5), new("KZ", "b", 2024, 7),
            new("UZ", "a", 2023, 9), new("UZ", "a", 2024, 3), new("UZ", "b", 2023, 6), new("UZ", "b", 2024, 8),
        ],
        ["a whole country below the threshold"] =
        [
            new("KZ", "a", 2024, 1), new("KZ", "b", 2024, 2), new("UZ", "a", 2024, 6), new("UZ", "b", 2024, 7), new("AM", "b", 2024, 12),
        ],
        ["a product in one country only"] =
        [
            new("KZ", "a", 2024, 8), new("KZ", "b", 2024, 4), new("UZ", "a", 2024, 9), new("UZ", "a", 2025, 10), new("KZ", "a", 2025, 5),
        ],
        ["sparse, with absent combinations"] =
        [
            new("AM", "a", 2022, 7), new("AM", "b", 2023, 1), new("KG", "b", 2022, 11), new("KG", "c", 2024, 4),
            new("KZ", "a", 2024, 15), new("KZ", "c", 2022, 6), new("UZ", "b", 2024, 5), new("UZ", "c", 2023, 2),
        ],
    };

    [Theory]
    [MemberData(nameof(HandBuiltCubes))]
    public void In_a_hand_built_cube_no_line_has_exactly_one_hidden_cell(string name)
    {
        var counts = Cubes.Counts(HandBuilt[name]);

        var reasons = CellSuppression.Apply(counts);

        AssertProtected(counts, reasons);
    }

    [Theory]
    [MemberData(nameof(HandBuiltCubes))]
    public void In_a_hand_built_cube_a_total_minus_the_shown_cells_is_never_a_single_hidden_cell(string name)
    {
        var counts = Cubes.Counts(HandBuilt[name]);
        var hidden = Hidden(CellSuppression.Apply(counts));

        foreach (var (total, members) in Cubes.Lines([.. counts.Keys]))
        {
            var hiddenMembers = members.Where(hidden.Contains).ToList();
            if (hidden.Contains(total))
            {
                // The total is unknown: it can be had only if every member is shown.
                Assert.NotEmpty(hiddenMembers);
                continue;
            }

            var remainder = counts[total] - members.Where(m => !hidden.Contains(m)).Sum(m => counts[m]);
            Assert.Equal(hiddenMembers.Sum(m => counts[m]), remainder);
            Assert.NotEqual(1, hiddenMembers.Count);
        }
    }

    [Fact]
    public void Random_cubes_are_protected_within_every_line()
    {
        var random = new Random(20260310);
        for (var i = 0; i < 500; i++)
        {
            var counts = Cubes.Counts(Cubes.RandomLeaves(random));

            AssertProtected(counts, CellSuppression.Apply(counts));
        }
    }

    [Fact]
    public void The_result_does_not_depend_on_the_order_the_cells_are_given_in()
    {
        var random = new Random(7);
        for (var i = 0; i < 100; i++)
        {
            var counts = Cubes.Counts(Cubes.RandomLeaves(random));
            var shuffled = counts.OrderBy(_ => random.Next()).ToDictionary();

            Assert.Equal(CellSuppression.Apply(counts).OrderBy(r => r.Key, CellKey.Order), CellSuppression.Apply(shuffled).OrderBy(r => r.Key, CellKey.Order));
        }
    }

    [Fact]
    public void An_empty_cube_has_nothing_to_suppress()
    {
        Assert.Empty(CellSuppression.Apply(new Dictionary<CellKey, int>()));
    }

    public static TheoryData<string> BrokenCubes => new(Broken.Keys);

    private static readonly Dictionary<string, Func<Dictionary<CellKey, int>, Dictionary<CellKey, int>>> Broken = new()
    {
        ["a margin that does not add up"] = c => c.ToDictionary(e => e.Key, e => e.Key == CellKey.All ? e.Value + 1 : e.Value),
        ["a missing margin"] = c => c.Where(e => e.Key != new CellKey("KZ", null, 2024)).ToDictionary(),
        ["a cell of no patients"] = c => new(c) { [new CellKey("TJ", null, null)] = 0 },
        ["a cell of negative patients"] = c => new(c) { [new CellKey("KZ", "a", 2024)] = -3 },
        ["a margin without cells"] = c => new(c) { [new CellKey("TJ", null, null)] = 5 },
    };

    [Theory]
    [MemberData(nameof(BrokenCubes))]
    public void A_cube_that_does_not_add_up_is_refused(string name)
    {
        var counts = Broken[name](Cubes.Counts([new("KZ", "a", 2024, 6), new("KZ", "b", 2024, 7), new("UZ", "a", 2025, 8)]));

        Assert.Throws<ArgumentException>(() => CellSuppression.Apply(counts));
    }

    /// <summary>The two promises: every small cell is hidden, and no hidden cell follows from one line.</summary>
    internal static void AssertProtected(IReadOnlyDictionary<CellKey, int> counts, IReadOnlyDictionary<CellKey, SuppressionReason> reasons)
    {
        Assert.Equal(counts.Keys.Order(CellKey.Order), reasons.Keys.Order(CellKey.Order));
        foreach (var (key, patients) in counts)
        {
            Assert.Equal(patients < StatisticsCube.MinimumCellSize, reasons[key] == Small);
        }

        var hidden = Hidden(reasons);
        foreach (var (total, members) in Cubes.Lines([.. counts.Keys]))
        {
            Assert.NotEqual(1, members.Append(total).Count(hidden.Contains));
        }

        Assert.Empty(Cubes.DerivableBySubtraction(counts, hidden));
    }

    private static HashSet<CellKey> Hidden(IReadOnlyDictionary<CellKey, SuppressionReason> reasons) =>
        [.. reasons.Where(r => r.Value != None).Select(r => r.Key)];
}
