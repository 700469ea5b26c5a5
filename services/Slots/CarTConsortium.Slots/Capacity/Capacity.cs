using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Slots.Capacity;

/// <summary>Production lines a manufacturing site offers for runs of one product starting on one day.</summary>
/// <param name="RunDays">Days one run occupies a production line.</param>
public sealed record Capacity(
    string CapacityId,
    string SiteId,
    string ProductId,
    DateOnly RunStart,
    int RunDays,
    int Lines,
    DateTimeOffset PublishedAt)
{
    public const int MaxRunDays = 60;
    public const int MaxLines = 50;

    public static readonly Collection<Capacity> Collection = new("capacity",
        ("site_id", c => c.SiteId),
        ("product_id", c => c.ProductId));

    /// <summary>The rules new capacity must meet; every broken one is reported at once.</summary>
    public static Capacity Publish(string capacityId, string siteId, string productId, DateParts? runStart, int runDays, int lines, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(capacityId);
        var validator = new Validator()
            .Slug(siteId, "site_id")
            .Slug(productId, "product_id");
        var start = CheckRunStart(runStart, Today(now), validator);
        validator
            .Check(runDays is >= 1 and <= MaxRunDays, "run_days", $"must be 1 to {MaxRunDays} days")
            .Check(lines is >= 1 and <= MaxLines, "lines", $"must be 1 to {MaxLines} lines")
            .ThrowIfInvalid();
        return new Capacity(capacityId, siteId, productId, start!.Value, runDays, lines, now);
    }

    // The UTC day: sites have no time zone in the platform yet, and one rule for all is fairer than the server's zone.
    private static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    private static DateOnly? CheckRunStart(DateParts? runStart, DateOnly today, Validator validator)
    {
        if (validator.CalendarDay(runStart, "run_start") is not { } start)
        {
            return null;
        }
        validator.Check(start >= today, "run_start", $"must not be before today ({today:yyyy-MM-dd})");
        return start;
    }
}
