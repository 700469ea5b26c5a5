using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Slots.Domain.Runs;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Slots.Tests;

public sealed class CapacityRulesTests
{
    // Late in the UTC day, so "today" and "tomorrow" differ from the server's local date in most zones.
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero));

    /// <summary>Everything a site sends to publish capacity.</summary>
    private sealed record Draft(string SiteId, string ProductId, DateParts? RunStart, int RunDays, int Lines);

    private static readonly Draft Valid = new("astana-ncb", "ncb-cd19-academic", new DateParts(2026, 3, 24), 12, 2);

    // Each case breaks exactly one rule of the valid draft, and names the one field that must be reported.
    private static readonly Dictionary<string, (Func<Draft, Draft> Break, string Field)> Cases = new()
    {
        ["site empty"] = (d => d with { SiteId = "" }, "site_id"),
        ["site upper case"] = (d => d with { SiteId = "Astana-NCB" }, "site_id"),
        ["site with a space"] = (d => d with { SiteId = "astana ncb" }, "site_id"),
        ["site starting with a dash"] = (d => d with { SiteId = "-astana" }, "site_id"),
        ["site of one letter"] = (d => d with { SiteId = "a" }, "site_id"),
        ["site over 63"] = (d => d with { SiteId = new string('a', 64) }, "site_id"),
        ["product empty"] = (d => d with { ProductId = "" }, "product_id"),
        ["product with an underscore"] = (d => d with { ProductId = "ncb_cd19" }, "product_id"),
        ["run start missing"] = (d => d with { RunStart = null }, "run_start"),
        ["run start without year"] = (d => d with { RunStart = new DateParts(0, 3, 24) }, "run_start"),
        ["run start without month"] = (d => d with { RunStart = new DateParts(2026, 0, 24) }, "run_start"),
        ["run start without day"] = (d => d with { RunStart = new DateParts(2026, 3, 0) }, "run_start"),
        ["run start negative day"] = (d => d with { RunStart = new DateParts(2026, 3, -1) }, "run_start"),
        ["run start month 13"] = (d => d with { RunStart = new DateParts(2026, 13, 1) }, "run_start"),
        ["run start 31 April"] = (d => d with { RunStart = new DateParts(2026, 4, 31) }, "run_start"),
        ["run start 29 February, no leap year"] = (d => d with { RunStart = new DateParts(2027, 2, 29) }, "run_start"),
        ["run start year 10000"] = (d => d with { RunStart = new DateParts(10_000, 1, 1) }, "run_start"),
        ["run start yesterday"] = (d => d with { RunStart = new DateParts(2026, 3, 9) }, "run_start"),
        ["run start last year"] = (d => d with { RunStart = new DateParts(2025, 12, 31) }, "run_start"),
        ["run days 0"] = (d => d with { RunDays = 0 }, "run_days"),
        ["run days negative"] = (d => d with { RunDays = -12 }, "run_days"),
        ["run days 61"] = (d => d with { RunDays = 61 }, "run_days"),
        ["lines 0"] = (d => d with { Lines = 0 }, "lines"),
        ["lines 51"] = (d => d with { Lines = 51 }, "lines"),
    };

    public static TheoryData<string> SingleRuleCases => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(SingleRuleCases))]
    public void Each_broken_rule_alone_is_reported_on_its_field_only(string name)
    {
        var (breakRule, field) = Cases[name];

        Assert.Equal([field], Violations(breakRule(Valid)).Select(v => v.Field));
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once()
    {
        var violations = Violations(new Draft("", "NCB", new DateParts(2026, 2, 30), 0, 99));

        Assert.Equal(["site_id", "product_id", "run_start", "run_days", "lines"], violations.Select(v => v.Field));
    }

    [Fact]
    public void Valid_capacity_is_published_as_given()
    {
        var capacity = Publish(Valid);

        Assert.Equal(new ManufacturingRun("c-1", "astana-ncb", "ncb-cd19-academic", new DateOnly(2026, 3, 24), 12, 2, Clock.GetUtcNow(),
            new DateOnly(2026, 3, 23), "KZ"), capacity);
    }

    [Theory]
    [InlineData(2026, 3, 10, 1, 1)]
    [InlineData(2026, 3, 11, 60, 50)]
    [InlineData(2028, 2, 29, 30, 10)]
    [InlineData(9999, 12, 31, 1, 1)]
    public void The_limits_themselves_are_allowed(int year, int month, int day, int runDays, int lines)
    {
        var capacity = Publish(Valid with { RunStart = new DateParts(year, month, day), RunDays = runDays, Lines = lines });

        Assert.Equal(new DateOnly(year, month, day), capacity.RunStart);
    }

    [Fact]
    public void Today_is_the_UTC_day_whatever_offset_the_clock_reports()
    {
        // 01:00 on the 11th at +05:00 is still the 10th in UTC.
        var now = new DateTimeOffset(2026, 3, 11, 1, 0, 0, TimeSpan.FromHours(5));

        var today = ManufacturingRun.Publish("c-1", new RunOffer("astana-ncb", "ncb-cd19-academic", new DateParts(2026, 3, 10), 12, 2, null), "KZ", now);

        Assert.Equal(new DateOnly(2026, 3, 10), today.RunStart);
        Assert.Throws<InvalidArgumentException>(() =>
            ManufacturingRun.Publish("c-1", new RunOffer("astana-ncb", "ncb-cd19-academic", new DateParts(2026, 3, 9), 12, 2, null), "KZ", now));
    }

    private static ManufacturingRun Publish(Draft draft) =>
        ManufacturingRun.Publish("c-1", new RunOffer(draft.SiteId, draft.ProductId, draft.RunStart, draft.RunDays, draft.Lines, null), "KZ", Clock.GetUtcNow());

    private static IReadOnlyList<FieldViolation> Violations(Draft draft) =>
        Assert.Throws<InvalidArgumentException>(() => Publish(draft)).Violations;
}
