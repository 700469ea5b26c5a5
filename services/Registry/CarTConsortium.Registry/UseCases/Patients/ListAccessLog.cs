using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <param name="Pseudonym">One patient's entries; null or empty for every entry (consortium admins only).</param>
public sealed record ListAccessLogCommand(int PageSize, string? PageToken, string? Pseudonym);

public sealed record ListAccessLogResult(IReadOnlyList<Stored<AccessLogEntry>> Entries, string NextPageToken);

/// <summary>
/// The access log, oldest first: every entry for a consortium admin, or the entries of one
/// patient for a clinician of its treating institution.
/// </summary>
public sealed class ListAccessLog(IDocumentStore store)
{
    public async Task<ListAccessLogResult> ExecuteAsync(ListAccessLogCommand command, Caller caller, CancellationToken ct)
    {
        var pseudonym = command.Pseudonym;
        var validator = new Validator();
        var query = Paging.Query(command.PageSize, command.PageToken, validator);
        if (!string.IsNullOrEmpty(pseudonym))
        {
            PatientRecords.CheckPseudonym(pseudonym, validator);
        }
        else
        {
            validator.Check(caller.IsConsortiumAdmin, "pseudonym", "is required: a clinician reads the log of one patient of their own institution");
        }
        validator.ThrowIfInvalid();
        if (!caller.IsConsortiumAdmin)
        {
            var record = await store.FindPatientAsync(pseudonym!, ct);
            var verified = await store.VerifiedAsync(caller, ct);
            verified.Demand(PatientVisibility.CanReadAccessLog(verified, record.Value));
        }
        var page = await store.QueryAsync(RegistryCollections.AccessLog, query.WhereKey(AccessLogKeys.Pseudonym, pseudonym), ct);
        return new ListAccessLogResult(page.Items, Paging.NextToken(page));
    }
}
