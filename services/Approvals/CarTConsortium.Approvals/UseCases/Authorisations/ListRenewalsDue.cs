using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <param name="WithinDays">1 to 730.</param>
/// <param name="Jurisdiction">Null or empty for every jurisdiction.</param>
/// <param name="PageSize">0 for the default size.</param>
public sealed record ListRenewalsDueCommand(int WithinDays, string? Jurisdiction = null, int PageSize = 0, string? PageToken = null);

/// <summary>Approvals expiring within the next days (<see cref="Authorisation.IsRenewalDue"/>), in id order (as every list pages), one page at a time.</summary>
public sealed class ListRenewalsDue(IDocumentStore store, TimeProvider clock)
{
    private static readonly AuthorisationStatus[] Approvals = [AuthorisationStatus.Approved, AuthorisationStatus.ConditionallyApproved];

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
        foreach (var status in Approvals)
        {
            due.AddRange(await store.AllAuthorisationsAsync(DocumentQuery.All
                .WhereKey(AuthorisationKeys.Status, status.ToString()).WhereKey(AuthorisationKeys.Jurisdiction, command.Jurisdiction), ct));
        }
        // Few authorisations are approved at once (products x countries): filtered and paged here, by id as every list is.
        var ordered = due.Where(a => a.Value.IsRenewalDue(today, command.WithinDays) && (documents.AfterId is null || string.CompareOrdinal(a.Id, documents.AfterId) > 0))
            .OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        var page = ordered.Take(documents.Limit).ToList();
        return new AuthorisationPage(page, Paging.NextToken(new Page<Authorisation>(page, ordered.Count > page.Count ? page[^1].Id : null)));
    }
}
