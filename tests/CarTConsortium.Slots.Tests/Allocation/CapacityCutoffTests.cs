using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Slots.Domain.Runs;
using Xunit;

namespace CarTConsortium.Slots.Tests.Allocation;

/// <summary>A run's apheresis cut-off, closing and reopening it, and the fair-share period it counts in.</summary>
public sealed class CapacityCutoffTests
{
    // Late in the UTC day: today is 2026-03-10 whatever the server's zone.
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 23, 30, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 10);

    private static ManufacturingRun Publish(DateOnly runStart, DateParts? cutoff = null, DateTimeOffset? now = null) =>
        ManufacturingRun.Publish("cap-1", new RunOffer(RunSamples.Site, RunSamples.Product, Parts(runStart), 12, 2, cutoff), RunSamples.SiteCountry, now ?? Now);

    private static DateParts Parts(DateOnly day) => new(day.Year, day.Month, day.Day);

    private static ManufacturingRun Closed() => Publish(Today.AddDays(14)).Close("line maintenance");

    [Theory]
    [InlineData(14, 13)]
    [InlineData(1, 0)]
    [InlineData(0, 0)]
    public void Without_a_cut_off_the_apheresis_is_due_the_day_before_the_run_or_on_the_day_for_a_run_starting_today(int startInDays, int cutoffInDays)
    {
        Assert.Equal(Today.AddDays(cutoffInDays), Publish(Today.AddDays(startInDays)).ApheresisCutoff);
    }

    [Theory]
    [InlineData(14, 14)]
    [InlineData(14, 0)]
    [InlineData(60, 0)]
    [InlineData(70, 10)]
    [InlineData(0, 0)]
    public void A_cut_off_from_today_or_60_days_before_the_run_until_the_run_start_is_kept(int startInDays, int cutoffInDays)
    {
        var cutoff = Today.AddDays(cutoffInDays);

        Assert.Equal(cutoff, Publish(Today.AddDays(startInDays), Parts(cutoff)).ApheresisCutoff);
    }

    [Theory]
    [InlineData(14, 15, "must not be after run_start")]
    [InlineData(0, 1, "must not be after run_start")]
    [InlineData(71, 10, "must be at most 60 days before run_start")]
    [InlineData(14, -1, "must not be before today (2026-03-10)")]
    public void A_cut_off_after_the_run_more_than_60_days_before_it_or_before_today_is_a_violation(int startInDays, int cutoffInDays, string description)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Publish(Today.AddDays(startInDays), Parts(Today.AddDays(cutoffInDays))));

        Assert.Equal(new FieldViolation("apheresis_cutoff", description), Assert.Single(error.Violations));
    }

    [Fact]
    public void A_cut_off_before_today_and_more_than_60_days_before_the_run_breaks_both_rules()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Publish(Today.AddDays(60), Parts(Today.AddDays(-1))));

        Assert.Equal([
            new FieldViolation("apheresis_cutoff", "must be at most 60 days before run_start"),
            new FieldViolation("apheresis_cutoff", "must not be before today (2026-03-10)"),
        ], error.Violations);
    }

    [Theory]
    [InlineData(2026, 2, 30)]
    [InlineData(2026, 13, 1)]
    [InlineData(0, 3, 20)]
    public void A_cut_off_that_is_not_a_calendar_day_is_a_violation_on_the_cut_off_only(int year, int month, int day)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Publish(Today.AddDays(14), new DateParts(year, month, day)));

        Assert.Equal("apheresis_cutoff", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Closing_records_the_trimmed_reason_and_a_blank_one_as_none()
    {
        var open = Publish(Today.AddDays(14));

        var closed = open.Close("  line maintenance ");

        Assert.Equal((RunStatus.Closed, "line maintenance"), (closed.Status, closed.ClosedReason));
        Assert.False(closed.IsOpen);
        Assert.Null(open.Close("   ").ClosedReason);
        Assert.Null(open.Close(null).ClosedReason);
        Assert.Equal(new string('r', ManufacturingRun.MaxReasonLength), open.Close(new string('r', ManufacturingRun.MaxReasonLength)).ClosedReason);
        Assert.True(open.IsOpen);
    }

    [Fact]
    public void A_close_reason_over_500_characters_is_a_violation_on_reason()
    {
        var open = Publish(Today.AddDays(14));

        var error = Assert.Throws<InvalidArgumentException>(() => open.Close(new string('r', ManufacturingRun.MaxReasonLength + 1)));

        Assert.Equal(new FieldViolation("reason", "must be at most 500 characters"), Assert.Single(error.Violations));
    }

    [Fact]
    public void Closing_a_closed_run_and_reopening_an_open_one_are_refused()
    {
        var twice = Assert.Throws<RuleViolationException>(() => Closed().Close("again"));
        var reopen = Assert.Throws<RuleViolationException>(() => Publish(Today.AddDays(14)).Reopen(Now));

        Assert.Equal("Capacity cap-1 is closed already.", twice.Message);
        Assert.Equal("Capacity cap-1 is open already.", reopen.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    public void A_closed_run_reopens_until_its_first_day_without_its_reason(int daysLater)
    {
        var reopened = Closed().Reopen(Now.AddDays(daysLater));

        Assert.Equal((RunStatus.Open, null), (reopened.Status, reopened.ClosedReason));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(100)]
    public void A_closed_run_that_has_started_is_not_reopened(int daysLater)
    {
        var error = Assert.Throws<RuleViolationException>(() => Closed().Reopen(Now.AddDays(daysLater)));

        Assert.Equal("Capacity cap-1: the run started on 2026-03-24; it cannot be reopened.", error.Message);
    }

    [Theory]
    [InlineData(2026, 4, 15, "2026-04", 2026, 4, 1, 2026, 4, 30)]
    [InlineData(2026, 4, 1, "2026-04", 2026, 4, 1, 2026, 4, 30)]
    [InlineData(2026, 2, 28, "2026-02", 2026, 2, 1, 2026, 2, 28)]
    [InlineData(2028, 2, 10, "2028-02", 2028, 2, 1, 2028, 2, 29)]
    [InlineData(2028, 2, 29, "2028-02", 2028, 2, 1, 2028, 2, 29)]
    [InlineData(2100, 2, 15, "2100-02", 2100, 2, 1, 2100, 2, 28)]
    [InlineData(2026, 12, 31, "2026-12", 2026, 12, 1, 2026, 12, 31)]
    [InlineData(1, 1, 1, "0001-01", 1, 1, 1, 1, 1, 31)]
    public void The_period_is_the_calendar_month_from_its_first_to_its_last_day(int year, int month, int day, string period,
        int firstYear, int firstMonth, int firstDay, int lastYear, int lastMonth, int lastDay)
    {
        var date = new DateOnly(year, month, day);

        Assert.Equal(period, Period.Of(date));
        Assert.Equal(new DateOnly(firstYear, firstMonth, firstDay), Period.Start(date));
        Assert.Equal(new DateOnly(lastYear, lastMonth, lastDay), Period.End(date));
    }
}
