using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <param name="WithinDays">1 to 730.</param>
/// <param name="Jurisdiction">Null or empty for every jurisdiction.</param>
/// <param name="PageSize">0 for the default size.</param>
public sealed record ListRenewalsDueCommand(int WithinDays, string? Jurisdiction = null, int PageSize = 0, string? PageToken = null);

/// <summary>
/// Approvals expiring within the next days (<see cref="Authorisation.IsRenewalDue"/>), in id order (as every list pages), one page at a time.
/// Reads only the expiry months in range (<see cref="AuthorisationKeys.RenewalMonth"/>), at most a page and one more of each.
/// </summary>
public sealed class ListRenewalsDue(IDocumentStore store, TimeProvider clock)
{
    /// <exception cref="InvalidArgumentException">Days out of range; a bad jurisdiction, page size or token.</exception>
    public async Task<AuthorisationPage> ExecuteAsync(ListRenewalsDueCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validator = new Validator();
        var documents = Paging.Query(command.PageSize, command.PageToken, validator);
        validator.Check(command.WithinDays is >= 1 and <= 730, "within_days", "must be 1 to 730 days")
            .OptionalJurisdiction(command.Jurisdiction, "jurisdiction")
            .ThrowIfInvalid();
        var today = clock.Today();
        var due = new List<Stored<Authorisation>>();
        foreach (var month in MonthsBetween(today, today.AddDays(command.WithinDays)))
        {
            due.AddRange(await DueInMonthAsync(documents.WhereKey(AuthorisationKeys.RenewalMonth, month).WhereKey(AuthorisationKeys.Jurisdiction, command.Jurisdiction),
                a => a.IsRenewalDue(today, command.WithinDays), ct));
        }
        // Each month gave its first page-and-one due after the token, so the first page-and-one of them all is among these.
        var ordered = due.OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        var page = ordered.Take(documents.Limit).ToList();
        return new AuthorisationPage(page, Paging.NextToken(new Page<Authorisation>(page, ordered.Count > page.Count ? page[^1].Id : null)));
    }

    /// <summary>Up to one more than a page of the month's due approvals, in id order after the token.</summary>
    private async Task<List<Stored<Authorisation>>> DueInMonthAsync(DocumentQuery query, Func<Authorisation, bool> isDue, CancellationToken ct)
    {
        var found = new List<Stored<Authorisation>>();
        var next = query;
        while (found.Count <= query.Limit)
        {
            var page = await store.QueryAsync(ApprovalsCollections.Authorisations, next, ct);
            found.AddRange(page.Items.Where(a => isDue(a.Value)));
            if (page.NextAfterId is null)
            {
                break;
            }
            next = next with { AfterId = page.NextAfterId };
        }
        return found;
    }

    private static IEnumerable<string> MonthsBetween(DateOnly first, DateOnly last)
    {
        for (var month = new DateOnly(first.Year, first.Month, 1); month <= last; month = month.AddMonths(1))
        {
            yield return AuthorisationKeys.MonthOf(month);
        }
    }
}
