using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <param name="TreatingInstitutionId">Only this institution's patients; null or empty for all.</param>
/// <param name="CountryCode">Only patients of this country; null or empty for all (see <see cref="ListPatients"/>).</param>
public sealed record ListPatientsCommand(
    int PageSize,
    string? PageToken,
    AccessPurpose? Purpose,
    string? Justification,
    string? TreatingInstitutionId,
    string? CountryCode);

public sealed record ListPatientsResult(IReadOnlyList<Stored<PatientRecord>> Patients, string NextPageToken);

/// <summary>
/// The records the caller may see, filtered by treating institution and/or country. With
/// neither, a caller of a country lists that country's patients, and a consortium admin
/// the consortium view (records shared across borders). Every returned record is logged.
/// </summary>
/// <remarks>
/// Who may see a record is part of the store queries, not a filter on their result: a page
/// never skips hidden records, so neither its length nor its next_page_token (the last id
/// of the page) says anything about records the caller may not see. A caller's views: its
/// own institution (everything it treats), its own country (the active records), and for
/// clinicians and admins the records shared across borders; the list is their union. Each
/// view is <see cref="PatientVisibility.CanRead"/> written as a query.
/// </remarks>
public sealed class ListPatients(IDocumentStore store, TimeProvider clock)
{
    public Task<ListPatientsResult> ExecuteAsync(ListPatientsCommand command, Caller caller, CancellationToken ct) =>
        ExecuteAsync(command, caller, "ListPatients", ct);

    /// <param name="operation">What the access log names as the read (another route listing by the same rules, e.g. a FHIR bulk export).</param>
    internal async Task<ListPatientsResult> ExecuteAsync(ListPatientsCommand command, Caller caller, string operation, CancellationToken ct)
    {
        var (treatingInstitutionId, countryCode) = (command.TreatingInstitutionId, command.CountryCode);
        var validator = new Validator();
        var query = Paging.Query(command.PageSize, command.PageToken, validator);
        var reason = AccessLogEntry.CheckReason(command.Purpose, command.Justification, validator);
        if (!string.IsNullOrEmpty(treatingInstitutionId))
        {
            validator.Slug(treatingInstitutionId, "treating_institution_id");
        }
        if (!string.IsNullOrEmpty(countryCode))
        {
            validator.CountryCode(countryCode, "country_code");
        }
        validator.ThrowIfInvalid();

        var verified = await store.VerifiedAsync(caller, ct);
        var country = string.IsNullOrEmpty(countryCode) && string.IsNullOrEmpty(treatingInstitutionId) ? caller.Country : countryCode;
        var filtered = query.WhereKey(PatientKeys.TreatingInstitution, treatingInstitutionId).WhereKey(PatientKeys.Country, country);
        if (reason.Purpose == AccessPurpose.Research)
        {
            filtered = filtered.WhereKey(PatientKeys.Research, PatientKeys.Yes);
        }
        // The views the caller has that the filters do not rule out, each a query of its own.
        var views = PatientListViews.Of(filtered, verified, treatingInstitutionId, country);
        var page = await QueryUnionAsync(views, query.Limit, ct);
        // The queries selected only what the caller may see; this is the same rule, checked once more.
        var visible = page.Items
            .Where(p => PatientVisibility.CanRead(verified, p.Value).Allowed && PatientVisibility.AllowsPurpose(p.Value, reason.Purpose))
            .ToList();
        if (visible.Count != page.Items.Count)
        {
            throw new InvalidOperationException("ListPatients selected a record its caller may not see.");
        }
        await store.LogReadsAsync(caller, operation, visible, reason, clock, ct);
        return new ListPatientsResult(visible, Paging.NextToken(page));
    }

    /// <summary>
    /// One page of the union of <paramref name="views"/>, in id order: each view is read from
    /// the same position, and the first <paramref name="limit"/> distinct ids of what came back
    /// are exactly the union's next page (keyset paging stays exact across views).
    /// </summary>
    private async Task<Page<PatientRecord>> QueryUnionAsync(List<DocumentQuery> views, int limit, CancellationToken ct)
    {
        var pages = new List<Page<PatientRecord>>();
        foreach (var view in views)
        {
            pages.Add(await store.QueryAsync(RegistryCollections.Patients, view, ct));
        }
        var merged = pages.SelectMany(p => p.Items).DistinctBy(p => p.Id).OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        var items = merged.Take(limit).ToList();
        var more = merged.Count > limit || pages.Any(p => p.NextAfterId is not null);
        return new Page<PatientRecord>(items, more && items.Count > 0 ? items[^1].Id : null);
    }
}
