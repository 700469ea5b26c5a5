using CarTConsortium.Registry.Domain.Statistics;
using Xunit;

namespace CarTConsortium.Registry.Tests.Statistics;

/// <summary>
/// The cube from tallies against the cube from the cases themselves, on random cases: every request,
/// every cell (suppressed ones included) and every figure, before and after publication, must be equal.
/// </summary>
public sealed class TallyCubeTests
{
    [Theory]
    [InlineData(1, 40)]
    [InlineData(2, 120)]
    [InlineData(3, 400)]
    [InlineData(4, 7)]
    public void Every_slice_of_the_tallies_equals_the_slice_of_the_cube_built_from_the_cases(int seed, int count)
    {
        var random = new RandomCases(seed);
        var cases = random.Cases(count);

        // Each cell's cases in a few parts, as the shards keep them.
        var parts = cases.GroupBy(c => (CellKey.Of(c), random.Next(3))).Select(part => (part.Key.Item1, CellTally.Of(part)));

        var cube = StatisticsCube.Build(cases);
        AssertSameSlices(cube, TallyCube.Of(parts));
        // Both kinds of cell are compared: ones with figures and (in the smaller cubes) suppressed ones.
        if (count >= 40)
        {
            Assert.Contains(cube.Cells, cell => !cell.Suppressed && cell.Key != CellKey.All);
        }
        if (count is >= 40 and <= 120)
        {
            Assert.Contains(cube.Cells, cell => cell.Suppressed);
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Tallies_kept_through_random_changes_equal_the_tallies_of_the_cases_as_they_end(int seed)
    {
        var random = new RandomCases(seed);
        var cases = new List<CaseSummary?>();
        var tallies = new Dictionary<CellKey, CellTally>();
        for (var step = 0; step < 600; step++)
        {
            // Enrol and infuse (a new case), correct or add to a case (another case, maybe another cell), freeze or erase (no case), or thaw.
            var at = cases.Count == 0 || random.Next(3) == 0 ? -1 : random.Next(cases.Count);
            var before = at < 0 ? null : cases[at];
            var after = random.Next(5) == 0 ? null : random.Next(3) == 0 && before is not null ? before with { MaxCrsGrade = random.Next(5) } : random.Case();
            var change = new CaseChange(before, after);
            foreach (var cell in change.Cells)
            {
                tallies[cell] = change.Apply(cell, tallies.GetValueOrDefault(cell, CellTally.Empty));
            }
            if (at < 0)
            {
                cases.Add(after);
            }
            else
            {
                cases[at] = after;
            }

            if (step % 150 == 149)
            {
                var counted = cases.OfType<CaseSummary>().ToList();
                var expected = counted.GroupBy(CellKey.Of).ToDictionary(cell => cell.Key, cell => CellTally.Of(cell));
                Assert.Equal(expected.OrderBy(e => e.Key, CellKey.Order), tallies.Where(t => !t.Value.IsEmpty).OrderBy(e => e.Key, CellKey.Order));
                AssertSameSlices(StatisticsCube.Build(counted), TallyCube.Of(tallies.Select(t => (t.Key, t.Value))));
            }
        }
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void A_shared_cube_computes_each_published_cell_once_and_a_newer_cube_computes_ahead_the_cells_asked_of_the_older(int seed)
    {
        var random = new RandomCases(seed);
        var cases = random.Cases(300);
        var parts = cases.GroupBy(c => (CellKey.Of(c), random.Next(3))).Select(part => (part.Key.Item1, CellTally.Of(part))).ToList();
        var older = TallyCube.Of(parts);
        var asked = RandomCases.Requests().Where((_, i) => i % 7 == 0).ToList();

        foreach (var (groupBy, country, product, year) in asked)
        {
            var first = older.PublishedSlice(groupBy, country, product, year);
            var again = older.PublishedSlice(groupBy, country, product, year);
            Assert.Equal(first.Cells.Count, again.Cells.Count);
            Assert.All(first.Cells.Zip(again.Cells), pair => Assert.Same(pair.First, pair.Second));
        }
        var newer = TallyCube.Of(parts);
        newer.Publish(older.PublishedKeys);

        Assert.NotEmpty(older.PublishedKeys);
        Assert.Equal(older.PublishedKeys.Order(CellKey.Order), newer.PublishedKeys.Order(CellKey.Order));
        AssertSameSlices(StatisticsCube.Build(cases), newer);
    }

    [Fact]
    public void A_change_that_leaves_the_case_as_it_was_changes_no_tally()
    {
        var c = new RandomCases(5).Case();

        var change = new CaseChange(c, c with { });

        Assert.Empty(change.Cells);
        Assert.Same(CellTally.Empty, change.Apply(CellKey.Of(c), CellTally.Empty));
        Assert.Empty(new CaseChange(null, null).Cells);
    }

    [Fact]
    public void A_case_that_moves_cell_leaves_one_tally_and_enters_the_other()
    {
        var c = new RandomCases(6).Case();
        var moved = c with { ProductId = "moved", FirstInfusion = c.FirstInfusion.AddYears(1), LastContact = c.LastContact.AddYears(1) };
        var change = new CaseChange(c, moved);

        Assert.Equal([CellKey.Of(c), CellKey.Of(moved)], change.Cells);
        Assert.Equal(CellTally.Empty, change.Apply(CellKey.Of(c), CellTally.Of([c])));
        Assert.Equal(CellTally.Of([moved]), change.Apply(CellKey.Of(moved), CellTally.Empty));
    }

    [Fact]
    public void Taking_away_a_case_the_tally_does_not_hold_is_refused()
    {
        var random = new RandomCases(7);
        var held = random.Case() with { DiedOn = null, RelapsedOn = null, Response = null, ResponseAssessedOn = null, MaxCrsGrade = 0, MaxIcansGrade = 0 };
        var other = held with { LastContact = held.LastContact.AddDays(1) };

        Assert.Throws<TallyMismatchException>(() => CellTally.Empty.Without(held));
        Assert.Throws<TallyMismatchException>(() => CellTally.Of([held]).Without(other));
        Assert.Throws<TallyMismatchException>(() => CellTally.Of([held]).Without(held with { MaxCrsGrade = 4 }));
    }

    [Fact]
    public void Adding_then_taking_away_a_case_gives_the_tally_back_and_merging_is_the_tally_of_both_groups()
    {
        var random = new RandomCases(8);
        var first = random.Cases(50);
        var second = random.Cases(30);
        var extra = random.Case();

        Assert.Equal(CellTally.Of(first), CellTally.Of(first).With(extra).Without(extra));
        Assert.Equal(CellTally.Of(first.Concat(second)), CellTally.Of(first).Merge(CellTally.Of(second)));
        Assert.Equal(CellTally.Of(first.Concat(second).Append(extra)), CellTally.Sum([CellTally.Of(first), CellTally.Empty, CellTally.Of(second), CellTally.Of([extra])]));
        Assert.Equal(CellTally.Empty, CellTally.Sum([]));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void Kaplan_Meier_from_day_tallies_is_the_fit_of_the_observations(int seed)
    {
        var cases = new RandomCases(seed).Cases(200);
        var tally = CellTally.Of(cases);

        foreach (var (observations, days) in new[]
        {
            (cases.Select(SurvivalEndpoints.OverallSurvival), tally.OverallSurvival),
            (cases.Select(SurvivalEndpoints.EventFreeSurvival), tally.EventFreeSurvival),
        })
        {
            var expected = KaplanMeier.Fit(observations);
            var actual = KaplanMeier.FromTallies(days);
            Assert.Equal(expected.Count, actual.Count);
            Assert.Equal(expected.Steps, actual.Steps);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => KaplanMeier.FromTallies([new TimeTally(3, 1, 0), new TimeTally(3, 0, 1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => KaplanMeier.FromTallies([new TimeTally(5, 1, 0), new TimeTally(2, 0, 1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => KaplanMeier.FromTallies([new TimeTally(-1, 1, 0)]));
    }

    [Fact]
    public void A_margin_is_not_a_tally_cell()
    {
        var c = new RandomCases(9).Case();

        Assert.Throws<ArgumentException>(() => TallyCube.Of([(CellKey.All, CellTally.Of([c]))]));
    }

    [Fact]
    public void The_shard_of_a_pseudonym_is_fixed_and_in_range()
    {
        // Pinned: a changed hash would move every stored case to another shard.
        Assert.Equal(TallyShard.ShardOf("KZ-7F3K-9Q2M-4N5P-R8TV"), TallyShard.ShardOf(new string("KZ-7F3K-9Q2M-4N5P-R8TV".ToCharArray())));
        Assert.Equal(PinnedShard, TallyShard.ShardOf("KZ-7F3K-9Q2M-4N5P-R8TV"));
        var shards = Enumerable.Range(0, 1000).Select(i => TallyShard.ShardOf($"KZ-{i:0000}-9Q2M-4N5P-R8TV")).ToList();
        Assert.All(shards, shard => Assert.InRange(shard, 0, TallyShard.Count - 1));
        Assert.Equal(TallyShard.Count, shards.Distinct().Count());
    }

    private const int PinnedShard = 11;

    internal static void AssertSameSlices(StatisticsCube expected, TallyCube actual)
    {
        foreach (var (groupBy, country, product, year) in RandomCases.Requests())
        {
            var want = expected.Slice(groupBy, country, product, year);
            var got = actual.Slice(groupBy, country, product, year);
            Assert.Equal(want.Cells, got.Cells);
            Assert.Equal(want.Total, got.Total);
            Assert.Equal(want.Published().Cells, got.Published().Cells);
            Assert.Equal(want.Published().Total, got.Published().Total);
            var published = actual.PublishedSlice(groupBy, country, product, year);
            Assert.Equal(want.Published().Cells, published.Cells);
            Assert.Equal(want.Published().Total, published.Total);
        }
    }
}
