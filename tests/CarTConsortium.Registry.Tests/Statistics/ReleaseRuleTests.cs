using CarTConsortium.Registry.Domain.Statistics;
using Xunit;

namespace CarTConsortium.Registry.Tests.Statistics;

public class ReleaseRuleTests
{
    private static readonly DateTimeOffset January = new(2026, 1, 31, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset February = January.AddMonths(1);
    private static readonly DateTimeOffset March = January.AddMonths(2);

    private static CaseSummary Case(string country, int year = 2025, int crs = 0, DateOnly? died = null) =>
        new(country, "academic", new DateOnly(year, 3, 1), ResponseAtDay28.CompleteRemission, new DateOnly(year, 3, 29), true,
            crs, 0, null, died, died ?? new DateOnly(year, 12, 1));

    private static Dictionary<string, CaseSummary> Patients(string country, int count, int from = 0) =>
        Enumerable.Range(from, count).ToDictionary(i => $"{country}-{i}", _ => Case(country), StringComparer.Ordinal);

    [Fact]
    public void A_cell_is_admitted_at_five_patients_and_not_at_four()
    {
        var four = ReleaseRule.Next([], Patients("KG", 4), January);
        var five = ReleaseRule.Next([], Patients("KG", 5), January);

        Assert.Empty(four);
        var snapshot = Assert.Single(five);
        Assert.Equal((new CellKey("KG", "academic", 2025), January, 5), (snapshot.Cell, snapshot.TakenAt, snapshot.Cases.Count));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(9, true)]
    public void An_admitted_snapshot_is_refreshed_only_when_five_of_its_patients_are_new_changed_or_gone(int changes, bool refreshed)
    {
        var first = ReleaseRule.Next([], Patients("KZ", 10), January);
        // A mix: new patients, a changed outcome, a withdrawn one, each counting once.
        var now = Patients("KZ", 10);
        for (var i = 0; i < changes; i++)
        {
            switch (i % 3)
            {
                case 0: now[$"KZ-new-{i}"] = Case("KZ"); break;
                case 1: now[$"KZ-{i}"] = Case("KZ", crs: 4); break;
                default: now.Remove($"KZ-{i}"); break;
            }
        }

        var second = Assert.Single(ReleaseRule.Next(first, now, February));

        Assert.Equal(changes, ReleaseRule.Changed(first[0].Cases, now));
        Assert.Equal(refreshed ? February : January, second.TakenAt);
        Assert.Equal(refreshed ? now : first[0].Cases, second.Cases);
    }

    [Fact]
    public void A_cell_that_loses_five_and_keeps_fewer_than_five_leaves_the_release()
    {
        var first = ReleaseRule.Next([], Patients("UZ", 8), January);
        var withdrawn = Patients("UZ", 3);

        Assert.Empty(ReleaseRule.Next(first, withdrawn, February));
    }

    [Fact]
    public void Four_enrolments_of_a_small_country_between_two_cuts_change_no_published_figure()
    {
        // The attack: KG's 4 patients arrive between two cuts; every figure is subtracted.
        var before = new Dictionary<string, CaseSummary>(Patients("KZ", 20).Concat(Patients("UZ", 12)), StringComparer.Ordinal);
        var after = new Dictionary<string, CaseSummary>(before, StringComparer.Ordinal);
        foreach (var (pseudonym, small) in Patients("KG", 4))
        {
            after[pseudonym] = small with { MaxCrsGrade = 3, DiedOn = new DateOnly(2025, 6, 1), LastContact = new DateOnly(2025, 6, 1) };
        }

        var january = Release([], before, January);
        var february = Release(january.Admitted, after, February);

        foreach (var cell in january.Cube.Cells)
        {
            Assert.Equal(cell, february.Cube.Find(cell.Key));
        }
        // KG is listed, with no figure, in its own cells; every margin over it shows what January showed.
        var kg = february.Cube.Cells.Where(cell => cell.Key.Country == "KG").ToList();
        Assert.NotEmpty(kg);
        Assert.All(kg, cell => Assert.Null(cell.Measures));
        Assert.Equal(32, february.Cube.Find(CellKey.All)!.Measures!.PatientsInfused);
        Assert.Equal(january.Cube.Find(CellKey.All), february.Cube.Find(CellKey.All));

        // The fifth KG patient admits the cell: the change the difference shows is then 5 patients.
        after["KG-4"] = Case("KG");
        var march = Release(february.Admitted, after, March);
        Assert.Equal(37, march.Cube.Find(CellKey.All)!.Measures!.PatientsInfused);
        Assert.Equal(5, march.Cube.Find(new CellKey("KG", null, null))!.Measures!.PatientsInfused);
    }

    [Fact]
    public void Every_difference_between_any_two_random_releases_rests_on_five_patients_or_none()
    {
        var random = new RandomCases(1807);
        var registry = new Dictionary<string, CaseSummary>(StringComparer.Ordinal);
        var releases = new List<(IReadOnlyList<CellSnapshot> Admitted, StatisticsCube Cube)>();
        var cut = January;
        var next = 0;
        for (var month = 0; month < 12; month++)
        {
            // Enrolments, outcome updates and the odd withdrawal, a few of each per month.
            for (var i = random.Next(30); i > 0; i--)
            {
                registry[$"p{next++}"] = random.Case();
            }
            foreach (var pseudonym in registry.Keys.Where(_ => random.Next(8) == 0).ToList())
            {
                var was = registry[pseudonym];
                registry[pseudonym] = was with { LastContact = was.LastContact.AddDays(30), MaxIcansGrade = random.Next(5) };
            }
            foreach (var pseudonym in registry.Keys.Where(_ => random.Next(40) == 0).ToList())
            {
                registry.Remove(pseudonym);
            }
            releases.Add(Release(releases.Count == 0 ? [] : releases[^1].Admitted, registry, cut));
            cut = cut.AddMonths(1);
        }

        var keys = releases.SelectMany(r => r.Cube.Cells.Select(c => c.Key)).Distinct().ToList();
        Assert.Contains(releases[^1].Cube.Cells, c => c.Suppressed);
        Assert.Contains(releases[^1].Cube.Cells, c => !c.Suppressed && c.Key.Country is not null && c.Key.Year is not null);
        for (var a = 0; a < releases.Count; a++)
        {
            foreach (var key in keys)
            {
                var basis = Basis(releases[a].Admitted, key);
                var shown = releases[a].Cube.Find(key)?.Measures;
                // Every figure rests on >= 5 patients, and is a recomputation from scratch of the admitted snapshots.
                Assert.True(basis.Count == 0 || basis.Count >= 5, $"{key} rests on {basis.Count}");
                Assert.Equal(basis.Count == 0 ? null : GroupMeasures.Of([.. basis.Select(b => b.Case)]), shown);
                for (var b = a + 1; b < releases.Count; b++)
                {
                    var later = Basis(releases[b].Admitted, key);
                    var difference = basis.Except(later).Count() + later.Except(basis).Count();
                    Assert.True(difference == 0 || difference >= 5, $"{key} between releases {a} and {b} differs by {difference} patients");
                    if (difference == 0)
                    {
                        Assert.Equal(shown, releases[b].Cube.Find(key)?.Measures);
                    }
                }
            }
        }
    }

    private static (IReadOnlyList<CellSnapshot> Admitted, StatisticsCube Cube) Release(
        IReadOnlyList<CellSnapshot> previous, IReadOnlyDictionary<string, CaseSummary> registry, DateTimeOffset cut)
    {
        var admitted = ReleaseRule.Next(previous, registry, cut);
        return (admitted, ReleaseRule.Publish(admitted, registry.Values.Select(CellKey.Of)));
    }

    /// <summary>The patient data under a published cell: each admitted snapshot's cases the cell covers.</summary>
    private static HashSet<(CellKey Cell, string Pseudonym, CaseSummary Case)> Basis(IReadOnlyList<CellSnapshot> admitted, CellKey key) =>
        [.. admitted.Where(s => key.Covers(s.Cell)).SelectMany(s => s.Cases.Select(c => (s.Cell, c.Key, c.Value)))];
}
