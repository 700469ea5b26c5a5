using CarTConsortium.Slots.Domain.Allocation;
using Xunit;

namespace CarTConsortium.Slots.Tests.Allocation;

/// <summary>The per-period ledger alone: who holds which places, what counts as open, and that every change is a new ledger.</summary>
public sealed class PeriodLedgerTests
{
    private static readonly DateOnly April = new(2026, 4, 14);

    /// <summary>Run a of 3 lines and run b of 2, both open, nothing taken.</summary>
    private static PeriodLedger TwoRuns() =>
        PeriodLedger.Empty(RunSamples.Site, April).WithRun("cap-a", 3, open: true).WithRun("cap-b", 2, open: true);

    [Theory]
    [InlineData(2026, 4, 1, "astana-ncb/2026-04", "2026-04")]
    [InlineData(2026, 4, 30, "astana-ncb/2026-04", "2026-04")]
    [InlineData(2026, 12, 31, "astana-ncb/2026-12", "2026-12")]
    [InlineData(2027, 1, 1, "astana-ncb/2027-01", "2027-01")]
    public void A_ledger_is_the_site_and_the_calendar_month_of_the_run(int year, int month, int day, string id, string period)
    {
        var runStart = new DateOnly(year, month, day);
        var empty = PeriodLedger.Empty(RunSamples.Site, runStart);

        Assert.Equal(id, PeriodLedger.IdOf(RunSamples.Site, runStart));
        Assert.Equal((id, RunSamples.Site, period), (empty.LedgerId, empty.SiteId, empty.Period));
        Assert.Empty(empty.Runs);
        Assert.Equal((0, 0, 0), (empty.OpenLines, empty.Taken, empty.TakenBy("KZ")));
    }

    [Fact]
    public void Take_and_free_count_places_per_country_and_per_run()
    {
        var ledger = TwoRuns().Take("cap-a", "KZ").Take("cap-a", "KZ").Take("cap-a", "UZ").Take("cap-b", "KZ");

        Assert.Equal((5, 4), (ledger.OpenLines, ledger.Taken));
        Assert.Equal((3, 1, 0), (ledger.TakenBy("KZ"), ledger.TakenBy("UZ"), ledger.TakenBy("KG")));
        Assert.Equal(new Dictionary<string, int> { ["KZ"] = 2, ["UZ"] = 1 }, ledger.PlacesOf("cap-a").TakenBy);
        Assert.Equal((3, 0), (ledger.PlacesOf("cap-a").Taken, ledger.PlacesOf("cap-a").Free));
        Assert.Equal((1, 1), (ledger.PlacesOf("cap-b").Taken, ledger.PlacesOf("cap-b").Free));

        var freed = ledger.Free("cap-a", "KZ").Free("cap-a", "UZ");

        Assert.Equal((2, 0), (freed.TakenBy("KZ"), freed.TakenBy("UZ")));
        Assert.Equal(new Dictionary<string, int> { ["KZ"] = 1 }, freed.PlacesOf("cap-a").TakenBy);
        Assert.Equal((2, 2), (freed.Taken, freed.PlacesOf("cap-a").Free));
    }

    [Fact]
    public void Free_places_on_a_day_are_those_of_open_runs_whose_cutoff_has_not_passed_and_a_run_keeps_its_cutoff()
    {
        var ledger = PeriodLedger.Empty(RunSamples.Site, April)
            .WithRun("cap-a", 3, open: true, apheresisCutoff: April)
            .WithRun("cap-b", 2, open: true, apheresisCutoff: April.AddDays(7))
            .WithRun("cap-c", 4, open: false, apheresisCutoff: April.AddDays(7))
            .Take("cap-b", "KZ");

        Assert.Equal([4, 4, 1, 1], new[] { -1, 0, 1, 7 }.Select(d => ledger.FreeOn(April.AddDays(d))));
        Assert.Equal(0, ledger.FreeOn(April.AddDays(8)));
        // A change of lines or of open keeps the cut-off it does not name; a ledger from before cut-offs were kept counts as bookable.
        Assert.Equal(April, ledger.WithRun("cap-a", 5, open: true).PlacesOf("cap-a").ApheresisCutoff);
        Assert.True(new RunPlaces(1, true, new Dictionary<string, int>()).IsBookableOn(DateOnly.MaxValue));
    }

    [Theory]
    [InlineData("cap-a", "UZ", "Run cap-a holds no place for UZ.")]
    [InlineData("cap-b", "KZ", "Run cap-b holds no place for KZ.")]
    [InlineData("cap-x", "KZ", "Ledger astana-ncb/2026-04 has no run cap-x.")]
    public void Freeing_a_place_the_country_does_not_hold_in_that_run_throws(string capacityId, string country, string message)
    {
        var ledger = TwoRuns().Take("cap-a", "KZ");

        var error = Assert.Throws<InvalidOperationException>(() => ledger.Free(capacityId, country));

        Assert.Equal(message, error.Message);
    }

    private static readonly Dictionary<string, Func<PeriodLedger>> RunsWithoutAFreePlace = new()
    {
        ["full"] = () => TwoRuns().Take("cap-b", "KZ").Take("cap-b", "UZ"),
        ["closed and empty"] = () => TwoRuns().WithRun("cap-b", 2, open: false),
        ["closed with a free line"] = () => TwoRuns().Take("cap-b", "KZ").WithRun("cap-b", 2, open: false),
        ["lines cut below the places taken"] = () => TwoRuns().Take("cap-b", "KZ").Take("cap-b", "KZ").WithRun("cap-b", 1, open: true),
    };

    public static TheoryData<string> RunWithoutAFreePlaceNames => new(RunsWithoutAFreePlace.Keys);

    [Theory]
    [MemberData(nameof(RunWithoutAFreePlaceNames))]
    public void Taking_a_place_in_a_full_or_closed_run_throws(string name)
    {
        var ledger = RunsWithoutAFreePlace[name]();
        Assert.Equal(0, ledger.PlacesOf("cap-b").Free);

        var error = Assert.Throws<InvalidOperationException>(() => ledger.Take("cap-b", "KG"));

        Assert.Equal("Run cap-b has no free place.", error.Message);
        Assert.Equal(3, ledger.PlacesOf("cap-a").Free);
    }

    [Fact]
    public void Taking_a_place_in_a_run_the_ledger_does_not_have_throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TwoRuns().Take("cap-x", "KZ"));

        Assert.Equal("Ledger astana-ncb/2026-04 has no run cap-x.", error.Message);
    }

    [Fact]
    public void WithRun_keeps_the_places_taken_and_changes_the_lines_and_whether_the_run_is_open()
    {
        var ledger = TwoRuns().Take("cap-a", "KZ").Take("cap-a", "UZ");

        var closedAndWider = ledger.WithRun("cap-a", 5, open: false);
        var reopened = closedAndWider.WithRun("cap-a", 5, open: true);

        Assert.Equal(new RunPlaces(5, false, ledger.PlacesOf("cap-a").TakenBy), closedAndWider.PlacesOf("cap-a"));
        Assert.Equal(0, closedAndWider.PlacesOf("cap-a").Free);
        Assert.Equal((5, true, 2, 3), (reopened.PlacesOf("cap-a").Lines, reopened.PlacesOf("cap-a").Open, reopened.PlacesOf("cap-a").Taken, reopened.PlacesOf("cap-a").Free));
        Assert.Equal(ledger.PlacesOf("cap-b"), reopened.PlacesOf("cap-b"));
    }

    [Fact]
    public void WithRun_adds_a_run_it_does_not_have_yet_with_nothing_taken()
    {
        var ledger = TwoRuns().WithRun("cap-c", 4, open: false);

        var added = ledger.PlacesOf("cap-c");
        Assert.Equal((4, false, 0, 0), (added.Lines, added.Open, added.Taken, added.Free));
        Assert.Empty(added.TakenBy);
        Assert.Equal(["cap-a", "cap-b", "cap-c"], ledger.Runs.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Open_lines_and_places_taken_count_only_open_runs()
    {
        var ledger = TwoRuns().Take("cap-a", "KZ").Take("cap-b", "UZ").Take("cap-b", "UZ").WithRun("cap-b", 2, open: false);

        Assert.Equal((3, 1), (ledger.OpenLines, ledger.Taken));
        Assert.Equal((1, 0), (ledger.TakenBy("KZ"), ledger.TakenBy("UZ")));
        // The closed run still knows who holds its places, for the day it reopens.
        Assert.Equal(2, ledger.PlacesOf("cap-b").Taken);
        Assert.Equal((5, 3), (ledger.WithRun("cap-b", 2, open: true).OpenLines, ledger.WithRun("cap-b", 2, open: true).Taken));
    }

    [Fact]
    public void Every_change_is_a_new_ledger_and_the_original_is_left_as_it_was()
    {
        var original = TwoRuns().Take("cap-a", "KZ");
        var placesBefore = original.PlacesOf("cap-a");
        var takenByBefore = new Dictionary<string, int>(placesBefore.TakenBy);

        var taken = original.Take("cap-a", "KZ");
        var freed = original.Free("cap-a", "KZ");
        var widened = original.WithRun("cap-a", 9, open: true);
        var added = original.WithRun("cap-c", 1, open: true);

        Assert.All(new[] { taken, freed, widened, added }, changed => Assert.NotSame(original, changed));
        Assert.Equal(["cap-a", "cap-b"], original.Runs.Keys.Order(StringComparer.Ordinal));
        Assert.Same(placesBefore, original.PlacesOf("cap-a"));
        Assert.Equal(takenByBefore, original.PlacesOf("cap-a").TakenBy);
        Assert.Equal((5, 1, 1), (original.OpenLines, original.Taken, original.TakenBy("KZ")));
        Assert.Equal((2, 0, 9), (taken.TakenBy("KZ"), freed.TakenBy("KZ"), widened.PlacesOf("cap-a").Lines));
    }

    [Theory]
    [InlineData(3, true, 0, 3)]
    [InlineData(3, true, 2, 1)]
    [InlineData(3, true, 3, 0)]
    [InlineData(3, true, 5, 0)]
    [InlineData(3, false, 0, 0)]
    [InlineData(3, false, 1, 0)]
    public void A_run_has_its_lines_less_the_places_taken_free_never_fewer_than_none_and_none_when_closed(int lines, bool open, int taken, int free)
    {
        var places = new RunPlaces(lines, open, new Dictionary<string, int> { ["KZ"] = taken });

        Assert.Equal((taken, free), (places.Taken, places.Free));
    }

    [Fact]
    public void Places_taken_in_a_run_are_the_sum_over_countries()
    {
        var places = new RunPlaces(10, true, new Dictionary<string, int> { ["KZ"] = 2, ["UZ"] = 3, ["KG"] = 1 });

        Assert.Equal((6, 4), (places.Taken, places.Free));
    }
}
