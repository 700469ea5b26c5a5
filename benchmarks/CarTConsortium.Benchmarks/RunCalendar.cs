using CarTConsortium.Contracts.Slots.V1;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Hands each scenario run-start days of its own. A request names its scenario's days as
/// [earliest_start, latest_start], so no scenario can take or count another's places.
/// </summary>
public sealed class RunCalendar
{
    // Far enough ahead that every apheresis cut-off and shipment lead time is comfortably met.
    public const int LeadDays = 30;

    private DateOnly _next;

    private RunCalendar(DateOnly first) => _next = first;

    /// <summary>Starts <see cref="LeadDays"/> from today (UTC), or after the site's last published run when that is later (a kept --data folder).</summary>
    public static async Task<RunCalendar> AfterExistingRunsAsync(SlotsService.SlotsServiceClient slots, CancellationToken ct)
    {
        var first = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(LeadDays);
        var runs = await Paging.AllAsync(async page =>
        {
            var answer = await slots.ListCapacityAsync(new ListCapacityRequest { SiteId = Identities.SiteId, Page = page }, cancellationToken: ct);
            return (answer.Capacity.AsEnumerable(), answer.NextPageToken);
        });
        foreach (var start in runs.Select(run => DateOnly.FromDateTime(run.RunStart.ToDateTime())))
        {
            first = start >= first ? start.AddDays(1) : first;
        }
        return new RunCalendar(first);
    }

    /// <summary><paramref name="days"/> consecutive days no one else is given; a day is left empty after them.</summary>
    public IReadOnlyList<DateOnly> Reserve(int days)
    {
        var reserved = Enumerable.Range(0, days).Select(_next.AddDays).ToList();
        _next = _next.AddDays(days + 1);
        return reserved;
    }
}
