using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Slots.Domain.Runs;

/// <summary>Whether a run is on offer. Stored by name.</summary>
public enum RunStatus
{
    Open,
    Closed,
}

/// <summary>What a site offers, as sent: lines for runs of a product starting on one day.</summary>
/// <param name="RunDays">Days one run occupies a production line.</param>
/// <param name="ApheresisCutoff">The last day the apheresis may arrive; the day before <paramref name="RunStart"/> when not given.</param>
public sealed record RunOffer(string SiteId, string ProductId, DateParts? RunStart, int RunDays, int Lines, DateParts? ApheresisCutoff = null);

/// <summary>
/// A manufacturing run: production lines a manufacturing site offers for runs of one product
/// starting on one day. The contract calls it "capacity" (CapacityId, PublishCapacity).
/// </summary>
/// <param name="RunDays">Days one run occupies a production line.</param>
/// <param name="ApheresisCutoff">The last day the patient's apheresis may arrive at the site.</param>
/// <param name="SiteCountry">The site's country, from the registry: cross-border rules and fair shares need it.</param>
public sealed record ManufacturingRun(
    string CapacityId,
    string SiteId,
    string ProductId,
    DateOnly RunStart,
    int RunDays,
    int Lines,
    DateTimeOffset PublishedAt,
    DateOnly ApheresisCutoff,
    string SiteCountry,
    RunStatus Status = RunStatus.Open,
    string? ClosedReason = null)
{
    public const int MaxRunDays = 60;
    public const int MaxLines = 50;

    /// <summary>How long before the run the apheresis may be asked to arrive: longer makes no clinical sense.</summary>
    public const int MaxCutoffDaysBeforeRun = 60;

    public const int MaxReasonLength = 500;

    public bool IsOpen => Status == RunStatus.Open;

    /// <summary>A run cannot offer more lines than its site has: FAILED_PRECONDITION naming the site's lines when it would.</summary>
    /// <param name="siteLines">The site's production lines as the registry has them; no bound when unknown.</param>
    public static void RequireWithinSiteLines(string siteId, int lines, int? siteLines)
    {
        if (siteLines is { } registered && lines > registered)
        {
            throw new RuleViolationException(
                $"Site {siteId} has {registered} production line(s) in the registry; a run offers at most {registered}, not {lines}.");
        }
    }

    /// <summary>The rules a new run must meet; every broken one is reported at once.</summary>
    public static ManufacturingRun Publish(string capacityId, RunOffer offer, string siteCountry, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(capacityId);
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentException.ThrowIfNullOrEmpty(siteCountry);
        var (siteId, productId, runStart, runDays, lines, apheresisCutoff) = offer;
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
        return new ManufacturingRun(capacityId, siteId, productId, start!.Value, runDays, lines, now,
            cutoff ?? (start.Value > today ? start.Value.AddDays(-1) : start.Value), siteCountry);
    }

    /// <summary>Out of offer; whether bookings still hold places is the use case's to check first.</summary>
    public ManufacturingRun Close(string? reason)
    {
        new Validator().MaxLength(reason, MaxReasonLength, "reason").ThrowIfInvalid();
        if (!IsOpen)
        {
            throw new RuleViolationException($"Capacity {CapacityId} is closed already.");
        }
        return this with { Status = RunStatus.Closed, ClosedReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() };
    }

    public ManufacturingRun Reopen(DateTimeOffset now)
    {
        if (IsOpen)
        {
            throw new RuleViolationException($"Capacity {CapacityId} is open already.");
        }
        if (RunStart < Today(now))
        {
            throw new RuleViolationException($"Capacity {CapacityId}: the run started on {RunStart:yyyy-MM-dd}; it cannot be reopened.");
        }
        return this with { Status = RunStatus.Open, ClosedReason = null };
    }

    // The UTC day: sites have no time zone in the platform yet, and one rule for all is fairer than the server's zone.
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);
}
