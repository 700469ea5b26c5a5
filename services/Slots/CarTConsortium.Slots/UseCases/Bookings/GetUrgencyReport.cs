using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <param name="From">The first day counted; the first of the current month when null.</param>
/// <param name="To">The last day counted; today when null.</param>
public sealed record GetUrgencyReportCommand(DateParts? From, DateParts? To);

/// <param name="SiteId">The site whose bookings were counted; null when every request was (an admin's report).</param>
public sealed record UrgencyReport(DateOnly From, DateOnly To, string? SiteId, IReadOnlyList<UrgencyUse> Institutions);

/// <summary>
/// How often each institution declared an emergency (and urgent and standard) in the requests it
/// made over a span of days: every request for a consortium admin, the requests that got a place at
/// its own site for a manufacturing site. Hospitals do not read it: it names other hospitals.
/// </summary>
public sealed class GetUrgencyReport(IDocumentStore store, TimeProvider clock)
{
    public const int MaxDays = 366;

    public async Task<UrgencyReport> ExecuteAsync(GetUrgencyReportCommand command, Caller caller, CancellationToken ct)
    {
        var today = ManufacturingRun.Today(clock.GetUtcNow());
        var validator = new Validator();
        var from = validator.CalendarDay(command.From, "from", required: false) ?? Period.Start(today);
        var to = validator.CalendarDay(command.To, "to", required: false) ?? today;
        validator.Check(from <= to, "to", "must not be before from")
            .Check(to.DayNumber - from.DayNumber < MaxDays, "to", $"must be less than {MaxDays} days after from")
            .ThrowIfInvalid();
        string? siteId = null;
        if (!caller.IsConsortiumAdmin)
        {
            caller.Demand(caller.HasRole(Roles.ManufacturingSite) && caller.Org is not null,
                "The urgency report is read by consortium admins, and by a manufacturing site for its own site's bookings.");
            // A token counts for a site only from the site's country; a site slots does not know (yet) has no bookings to count.
            var site = await store.FindAsync(SlotsCollections.KnownInstitutions, caller.Org!, ct);
            caller.Demand(site is null || (site.Value.IsManufacturingSite && caller.IsOfCountry(site.Value.CountryCode)),
                "A manufacturing site reads the report of its own site only.");
            siteId = caller.Org;
        }
        var tally = new UrgencyTally();
        for (var month = Period.Start(from); month <= to; month = month.AddMonths(1))
        {
            // By month of request: the requests of the span only, however long the history; a page at a time, so
            // what is kept is one count per institution, not every request of the span.
            var pages = new DocumentQuery { Limit = DocumentQuery.MaxLimit };
            var query = siteId is null
                ? pages.WhereKey(IndexKeys.RequestPeriod, Period.Of(month))
                : pages.WhereKey(IndexKeys.SiteRequestPeriod, SlotsCollections.SiteRequestPeriodOf(siteId, Period.Of(month)));
            do
            {
                var page = await store.QueryAsync(SlotsCollections.AllocationDecisions, query, ct);
                foreach (var decision in page.Items.Select(d => d.Value).Where(d =>
                    DateOnly.FromDateTime(d.DecidedAt.UtcDateTime) is var day && day >= from && day <= to && (siteId is null || d.SiteId == siteId)))
                {
                    tally.Add(decision);
                }
                query = query with { AfterId = page.NextAfterId };
            }
            while (query.AfterId is not null);
        }
        return new UrgencyReport(from, to, siteId, tally.Uses());
    }
}
