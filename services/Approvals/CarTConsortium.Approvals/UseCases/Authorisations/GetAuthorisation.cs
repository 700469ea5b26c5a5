using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

public sealed record GetAuthorisationQuery(string AuthorisationId);

/// <summary>One tracked authorisation at its current revision: what is authorised where is everyone's business.</summary>
public sealed class GetAuthorisation(IDocumentStore store)
{
    /// <exception cref="InvalidArgumentException">No id.</exception>
    /// <exception cref="NotFoundException">No such authorisation.</exception>
    public Task<Stored<Authorisation>> ExecuteAsync(GetAuthorisationQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return store.GetAuthorisationAsync(query.AuthorisationId, ct);
    }
}
