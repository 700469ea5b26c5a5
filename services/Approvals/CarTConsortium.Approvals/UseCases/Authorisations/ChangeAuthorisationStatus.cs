using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>One step along an authorisation's lifecycle, and the dates it takes (see <see cref="Authorisation.ChangeStatus"/>).</summary>
/// <param name="Status">Null when the request says UNSPECIFIED.</param>
/// <param name="ExpectedRevision">The revision the caller saw; a stale one is ABORTED.</param>
/// <param name="Reason">Required; kept in the history.</param>
public sealed record ChangeAuthorisationStatusCommand(
    string AuthorisationId,
    AuthorisationStatus? Status,
    long ExpectedRevision,
    string? Reason,
    DateParts? SubmittedOn = null,
    DateParts? DecidedOn = null,
    DateParts? EffectiveOn = null,
    DateParts? ExpiresOn = null);

/// <summary>Moves a tracked authorisation one step along its lifecycle, with the history entry and the event.</summary>
public sealed class ChangeAuthorisationStatus(IDocumentStore store, TimeProvider clock)
{
    /// <exception cref="InvalidArgumentException">No id, revision or reason; a bad or missing date for the step.</exception>
    /// <exception cref="NotFoundException">No such authorisation.</exception>
    /// <exception cref="PermissionDeniedException">An officer changing another country's authorisation.</exception>
    /// <exception cref="StaleVersionException">The authorisation has moved on from <see cref="ChangeAuthorisationStatusCommand.ExpectedRevision"/>.</exception>
    /// <exception cref="RuleViolationException">The step is not allowed from the current status.</exception>
    public async Task<Stored<Authorisation>> ExecuteAsync(ChangeAuthorisationStatusCommand command, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var why = AuthorisationInput.CheckChange(command.AuthorisationId, command.ExpectedRevision, command.Reason);
        var current = await store.GetAuthorisationAsync(command.AuthorisationId, ct);
        AuthorisationAccess.DemandWrite(caller, current.Value.Jurisdiction);
        ExpectedRevision.Require(ApprovalsCollections.Authorisations, current, command.ExpectedRevision);
        var changed = current.Value.ChangeStatus(command.Status, command.SubmittedOn, command.DecidedOn, command.EffectiveOn, command.ExpiresOn, clock.LatestToday());
        return await store.SaveChangeAsync(clock, current, changed, (after, changes, now) =>
            AuthorisationChange.By(caller, AuthorisationChange.StatusChanged, after.Id, after.Version, changes, why, now), ct);
    }
}
