using CarTConsortium.Contracts.Slots.V1;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Hands each scenario run-start days of its own. A request names its scenario's days as
/// [earliest_start, latest_start], so no scenario can take or count another's places. Days
/// are handed out month by month from the first free day: a scenario that needs ledgers of
/// its own (a site's month each) gets days in months of its own choosing, and later
/// scenarios fill the days left in those months, so the calendar stays within the months
/// slots files as near (it reads far runs on every request).
/// </summary>
public sealed class RunCalendar
{
    // Far enough ahead that every apheresis cut-off and shipment lead time is comfortably met.
    public const int LeadDays = 30;

    private readonly DateOnly _first;
    private readonly HashSet<DateOnly> _taken = [];

    public RunCalendar(DateOnly first) => _first = first;

    /// <summary>Starts <see cref="LeadDays"/> from today (UTC), or after the last run published at any site when that is later (a kept --data folder).</summary>
    public static async Task<RunCalendar> AfterExistingRunsAsync(SlotsService.SlotsServiceClient slots, CancellationToken ct)
    {
        var first = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(LeadDays);
        foreach (var (siteId, _) in Identities.Sites)
        {
            var runs = await Paging.AllAsync(async page =>
            {
                var answer = await slots.ListCapacityAsync(new ListCapacityRequest { SiteId = siteId, Page = page }, cancellationToken: ct);
                return (answer.Capacity.AsEnumerable(), answer.NextPageToken);
            });
            foreach (var start in runs.Where(r => r.ProductId == Identities.ProductId).Select(run => DateOnly.FromDateTime(run.RunStart.ToDateTime())))
            {
                first = start >= first ? start.AddDays(1) : first;
            }
        }
        return new RunCalendar(first);
    }

    /// <summary><paramref name="days"/> consecutive days no one else is given, the earliest free; they may run into the next month.</summary>
    public IReadOnlyList<DateOnly> Reserve(int days)
    {
        var start = _first;
        while (!Free(start, days))
        {
            start = start.AddDays(1);
        }
        return Take(start, days);
    }

    /// <summary>
    /// <paramref name="days"/> consecutive free days inside each of <paramref name="months"/> different months, the earliest
    /// months with room first: one list per month.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<DateOnly>> ReserveInMonths(int months, int days)
    {
        if (days > 28)
        {
            throw new InvalidOperationException($"{days} run days do not fit in one month: fewer requests per client, please.");
        }
        var reserved = new List<IReadOnlyList<DateOnly>>();
        for (var month = new DateOnly(_first.Year, _first.Month, 1); reserved.Count < months; month = month.AddMonths(1))
        {
            var start = month < _first ? _first : month;
            while (InMonth(start.AddDays(days - 1), month) && !Free(start, days))
            {
                start = start.AddDays(1);
            }
            if (InMonth(start.AddDays(days - 1), month))
            {
                reserved.Add(Take(start, days));
            }
        }
        return reserved;
    }

    private static bool InMonth(DateOnly day, DateOnly month) => day.Year == month.Year && day.Month == month.Month;

    private bool Free(DateOnly start, int days) => Enumerable.Range(0, days).All(i => !_taken.Contains(start.AddDays(i)));

    private List<DateOnly> Take(DateOnly start, int days)
    {
        var taken = Enumerable.Range(0, days).Select(start.AddDays).ToList();
        _taken.UnionWith(taken);
        return taken;
    }
}
