using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

public sealed record GetAuthorisationCommand(string AuthorisationId);

/// <summary>One tracked authorisation at its current revision: what is authorised where is everyone's business.</summary>
public sealed class GetAuthorisation(IDocumentStore store)
{
    /// <exception cref="InvalidArgumentException">No id.</exception>
    /// <exception cref="NotFoundException">No such authorisation.</exception>
    public Task<Stored<Authorisation>> ExecuteAsync(GetAuthorisationCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return store.GetAuthorisationAsync(command.AuthorisationId, ct);
    }
}
