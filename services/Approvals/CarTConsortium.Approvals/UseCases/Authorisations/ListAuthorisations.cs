using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>A page of tracked authorisations, within the filters (each optional).</summary>
/// <param name="PageSize">0 for the default size.</param>
/// <param name="Pathway">Null for any; a value the service does not know is INVALID_ARGUMENT.</param>
/// <param name="Status">Null for any; a value the service does not know is INVALID_ARGUMENT.</param>
public sealed record ListAuthorisationsCommand(
    int PageSize = 0,
    string? PageToken = null,
    string? ProductId = null,
    string? Jurisdiction = null,
    Pathway? Pathway = null,
    AuthorisationStatus? Status = null);

/// <summary>One page of authorisations, in id order.</summary>
/// <param name="NextPageToken">Empty on the last page.</param>
public sealed record AuthorisationPage(IReadOnlyList<Stored<Authorisation>> Authorisations, string NextPageToken);

/// <summary>Tracked authorisations by product, jurisdiction, pathway and status, a page at a time.</summary>
public sealed class ListAuthorisations(IDocumentStore store)
{
    /// <exception cref="InvalidArgumentException">A filter value the service does not know; a bad page size or token.</exception>
    public async Task<AuthorisationPage> ExecuteAsync(ListAuthorisationsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        AuthorisationInput.CheckFilter(command.Pathway, "pathway");
        AuthorisationInput.CheckFilter(command.Status, "status");
        var validator = new Validator();
        var documents = Paging.Query(command.PageSize, command.PageToken, validator)
            .WhereKey(AuthorisationKeys.ProductId, command.ProductId)
            .WhereKey(AuthorisationKeys.Jurisdiction, command.Jurisdiction)
            .WhereKey(AuthorisationKeys.Pathway, command.Pathway?.ToString())
            .WhereKey(AuthorisationKeys.Status, command.Status?.ToString());
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(ApprovalsCollections.Authorisations, documents, ct);
        return new AuthorisationPage(page.Items, Paging.NextToken(page));
    }
}
