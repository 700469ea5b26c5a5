using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <param name="PageSize">0 for the default size.</param>
public sealed record GetAuthorisationHistoryCommand(string AuthorisationId, int PageSize = 0, string? PageToken = null);

/// <summary>One page of an authorisation's history, oldest first.</summary>
/// <param name="NextPageToken">Empty on the last page.</param>
public sealed record HistoryPage(IReadOnlyList<Stored<AuthorisationChange>> Entries, string NextPageToken);

/// <summary>Every change of one authorisation, oldest first, with who made it (the module's access table keeps it to regulators and admins).</summary>
public sealed class GetAuthorisationHistory(IDocumentStore store)
{
    /// <exception cref="InvalidArgumentException">A bad page size or token; no id.</exception>
    /// <exception cref="NotFoundException">No such authorisation.</exception>
    public async Task<HistoryPage> ExecuteAsync(GetAuthorisationHistoryCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validator = new Validator();
        var documents = Paging.Query(command.PageSize, command.PageToken, validator);
        validator.ThrowIfInvalid();
        await store.GetAuthorisationAsync(command.AuthorisationId, ct);
        var page = await store.QueryAsync(ApprovalsCollections.History, documents.WhereKey(AuthorisationKeys.AuthorisationId, command.AuthorisationId), ct);
        return new HistoryPage(page.Items, Paging.NextToken(page));
    }
}
