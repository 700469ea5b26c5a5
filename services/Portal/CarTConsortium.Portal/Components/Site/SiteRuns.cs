using System.Globalization;
using CarTConsortium.Contracts.Slots.V1;

namespace CarTConsortium.Portal.Components.Site;

/// <summary>A site's runs as its pages show them: by ISO week, with the places still free and the runs a booking may move to.</summary>
public static class SiteRuns
{
    /// <summary>Places no booking holds in an open run; a closed run offers none.</summary>
    public static int Free(Capacity run) => run.Status == CapacityStatus.Open ? Math.Max(0, run.Lines - run.Booked) : 0;

    public static DateOnly Day(Google.Type.Date? date) => date is { Year: > 0 } d ? new DateOnly(d.Year, d.Month, d.Day) : DateOnly.MinValue;

    /// <summary>The ISO week a run starts in, e.g. "2026-W51", with its Monday and Sunday.</summary>
    public static (string Week, DateOnly Monday, DateOnly Sunday) WeekOf(Google.Type.Date? runStart)
    {
        var day = Day(runStart).ToDateTime(TimeOnly.MinValue);
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(ISOWeek.GetYear(day), ISOWeek.GetWeekOfYear(day), DayOfWeek.Monday));
        return (string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(day):D4}-W{ISOWeek.GetWeekOfYear(day):D2}"), monday, monday.AddDays(6));
    }

    /// <summary>The runs grouped by the ISO week they start in, weeks and runs in date order.</summary>
    public static IReadOnlyList<IGrouping<string, Capacity>> ByWeek(IEnumerable<Capacity> runs) =>
        [.. runs.OrderBy(r => Day(r.RunStart)).ThenBy(r => r.ProductId, StringComparer.Ordinal).GroupBy(r => WeekOf(r.RunStart).Week)];

    /// <summary>
    /// The runs a booking could be moved to: another open run of its product at its site, not started
    /// before <paramref name="today"/> (UTC), with a free place. The API weighs the rest (cut-off, authorisation).
    /// </summary>
    public static IReadOnlyList<Capacity> WithRoomFor(Booking booking, IEnumerable<Capacity> runs, DateOnly today) =>
        [.. runs.Where(r => r.CapacityId != booking.CapacityId && r.SiteId == booking.SiteId && r.ProductId == booking.ProductId
                && Free(r) > 0 && Day(r.RunStart) >= today)
            .OrderBy(r => Day(r.RunStart))];

    /// <summary>Every run the site has published, page after page.</summary>
    public static async Task<List<Capacity>> LoadAsync(SlotsService.SlotsServiceClient slots, string siteId)
    {
        var runs = new List<Capacity>();
        var token = "";
        do
        {
            var page = await slots.ListCapacityAsync(new ListCapacityRequest { SiteId = siteId, Page = new() { PageSize = 200, PageToken = token } });
            runs.AddRange(page.Capacity);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return runs;
    }

    /// <summary>Today as a UTC day, the day the services count in.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
