using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Slots.Capacity;

public enum CapacityStatus
{
    Open,
    Closed,
}

/// <summary>Production lines a manufacturing site offers for runs of one product starting on one day.</summary>
/// <param name="RunDays">Days one run occupies a production line.</param>
/// <param name="ApheresisCutoff">The last day the patient's apheresis may arrive at the site.</param>
/// <param name="SiteCountry">The site's country, from the registry: cross-border rules and fair shares need it.</param>
public sealed record Capacity(
    string CapacityId,
    string SiteId,
    string ProductId,
    DateOnly RunStart,
    int RunDays,
    int Lines,
    DateTimeOffset PublishedAt,
    DateOnly ApheresisCutoff,
    string SiteCountry,
    CapacityStatus Status = CapacityStatus.Open,
    string? ClosedReason = null)
{
    public const int MaxRunDays = 60;
    public const int MaxLines = 50;

    /// <summary>How long before the run the apheresis may be asked to arrive: longer makes no clinical sense.</summary>
    public const int MaxCutoffDaysBeforeRun = 60;

    public const int MaxReasonLength = 500;

    public static readonly Collection<Capacity> Collection = new("capacity",
        ("site_id", c => c.SiteId),
        ("product_id", c => c.ProductId),
        // The fair-share period (a calendar month) of the run, per site: what the ledger sums.
        ("site_period", c => $"{c.SiteId}/{Period.Of(c.RunStart)}"));

    public bool IsOpen => Status == CapacityStatus.Open;

    /// <summary>The rules new capacity must meet; every broken one is reported at once.</summary>
    /// <param name="apheresisCutoff">The day before <paramref name="runStart"/> when not given.</param>
    public static Capacity Publish(string capacityId, string siteId, string productId, DateParts? runStart, int runDays, int lines,
        DateParts? apheresisCutoff, string siteCountry, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(capacityId);
        ArgumentException.ThrowIfNullOrEmpty(siteCountry);
        var validator = new Validator()
            .Slug(siteId, "site_id")
            .Slug(productId, "product_id");
        var today = Today(now);
        var start = validator.CalendarDay(runStart, "run_start");
        validator.Check(start is null || start >= today, "run_start", $"must not be before today ({today:yyyy-MM-dd})");
        var cutoff = validator.CalendarDay(apheresisCutoff, "apheresis_cutoff", required: false);
        if (start is { } first && cutoff is { } last)
        {
            validator
                .Check(last <= first, "apheresis_cutoff", "must not be after run_start")
                .Check(last.DayNumber >= first.DayNumber - MaxCutoffDaysBeforeRun, "apheresis_cutoff", $"must be at most {MaxCutoffDaysBeforeRun} days before run_start")
                .Check(last >= today, "apheresis_cutoff", $"must not be before today ({today:yyyy-MM-dd})");
        }
        validator
            .Check(runDays is >= 1 and <= MaxRunDays, "run_days", $"must be 1 to {MaxRunDays} days")
            .Check(lines is >= 1 and <= MaxLines, "lines", $"must be 1 to {MaxLines} lines")
            .ThrowIfInvalid();
        return new Capacity(capacityId, siteId, productId, start!.Value, runDays, lines, now,
            cutoff ?? (start.Value > today ? start.Value.AddDays(-1) : start.Value), siteCountry);
    }

    /// <summary>Out of offer; whether bookings still hold places is the use case's to check first.</summary>
    public Capacity Close(string? reason)
    {
        new Validator().MaxLength(reason, MaxReasonLength, "reason").ThrowIfInvalid();
        if (!IsOpen)
        {
            throw new RuleViolationException($"Capacity {CapacityId} is closed already.");
        }
        return this with { Status = CapacityStatus.Closed, ClosedReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() };
    }

    public Capacity Reopen(DateTimeOffset now)
    {
        if (IsOpen)
        {
            throw new RuleViolationException($"Capacity {CapacityId} is open already.");
        }
        if (RunStart < Today(now))
        {
            throw new RuleViolationException($"Capacity {CapacityId}: the run started on {RunStart:yyyy-MM-dd}; it cannot be reopened.");
        }
        return this with { Status = CapacityStatus.Open, ClosedReason = null };
    }

    // The UTC day: sites have no time zone in the platform yet, and one rule for all is fairer than the server's zone.
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);
}

/// <summary>The fair-share period of a run: the calendar month it starts in, e.g. "2026-04".</summary>
public static class Period
{
    public static string Of(DateOnly day) => $"{day.Year:D4}-{day.Month:D2}";

    public static DateOnly Start(DateOnly day) => new(day.Year, day.Month, 1);

    public static DateOnly End(DateOnly day) => Start(day).AddMonths(1).AddDays(-1);
}
