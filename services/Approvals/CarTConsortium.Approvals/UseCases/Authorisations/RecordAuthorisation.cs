using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Events;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>What a caller sends to start tracking an authorisation.</summary>
/// <param name="Authority">Null when the request says UNSPECIFIED.</param>
/// <param name="Pathway">Null when the request says UNSPECIFIED.</param>
/// <param name="ReferenceAuthorisationId">For a reliance only: the reference authority's authorisation.</param>
/// <param name="Reason">Optional; kept in the history.</param>
public sealed record RecordAuthorisationCommand(
    string ProductId,
    string Jurisdiction,
    Authority? Authority,
    Pathway? Pathway,
    ScopeInput? Scope,
    string? ReferenceAuthorisationId = null,
    string? Reason = null);

/// <summary>
/// Starts tracking an authorisation (PLANNED) for a product, jurisdiction and pathway the
/// registry knows, with its first history entry and its AuthorisationChanged.
/// </summary>
public sealed class RecordAuthorisation(IDocumentStore store, TimeProvider clock)
{
    /// <exception cref="InvalidArgumentException">Every bad field; or a product, country, institution or reference not known here.</exception>
    /// <exception cref="PermissionDeniedException">An officer recording for another country.</exception>
    /// <exception cref="DocumentExistsException">The triple is tracked already.</exception>
    public async Task<Stored<Authorisation>> ExecuteAsync(RecordAuthorisationCommand command, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var now = clock.GetUtcNow();
        var authorisation = Authorisation.Record(command.ProductId, command.Jurisdiction, command.Authority, command.Pathway, command.Scope,
            command.ReferenceAuthorisationId, now);
        var validator = new Validator();
        var why = Authorisation.CheckReason(command.Reason, required: false, validator);
        validator.ThrowIfInvalid();
        AuthorisationAccess.DemandWrite(caller, authorisation.Jurisdiction);
        await store.CheckKnownAsync(authorisation, ct);
        var stored = Stored.Inserted(authorisation.AuthorisationId, authorisation);
        var change = AuthorisationChange.By(caller, AuthorisationChange.Recorded, stored.Id, stored.Version, Authorisation.AsRecorded(authorisation), why, now);
        await store.CommitAsync(new ChangeSet()
            .Insert(ApprovalsCollections.Authorisations, authorisation.AuthorisationId, authorisation)
            .Insert(ApprovalsCollections.History, ApprovalsCollections.HistoryIdOf(stored.Id, stored.Version), change)
            .Raise(AuthorisationEvents.Changed(stored), clock), ct);
        return stored;
    }
}
