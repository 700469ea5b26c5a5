using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>A new scope or expiry for a tracked authorisation, e.g. a renewal.</summary>
/// <param name="ExpectedRevision">The revision the caller saw; a stale one is ABORTED.</param>
/// <param name="Reason">Required; kept in the history.</param>
/// <param name="Scope">Null keeps the scope.</param>
/// <param name="ExpiresOn">Null or all zero keeps the expiry.</param>
/// <param name="ClearExpiry">Removes the expiry; <paramref name="ExpiresOn"/> must then be empty.</param>
public sealed record AmendAuthorisationCommand(
    string AuthorisationId,
    long ExpectedRevision,
    string? Reason,
    ScopeInput? Scope = null,
    DateParts? ExpiresOn = null,
    bool ClearExpiry = false);

/// <summary>
/// Changes scope or expiry; what the command leaves empty stays as it is, and the expiry goes
/// only when <see cref="AmendAuthorisationCommand.ClearExpiry"/> says so. An amendment that
/// changes nothing writes nothing and publishes nothing.
/// </summary>
public sealed class AmendAuthorisation(IDocumentStore store, TimeProvider clock)
{
    /// <exception cref="InvalidArgumentException">No id, revision or reason; a bad scope or expiry; an expiry given with <see cref="AmendAuthorisationCommand.ClearExpiry"/>.</exception>
    /// <exception cref="NotFoundException">No such authorisation.</exception>
    /// <exception cref="PermissionDeniedException">An officer amending another country's authorisation.</exception>
    /// <exception cref="StaleVersionException">The authorisation has moved on from <see cref="AmendAuthorisationCommand.ExpectedRevision"/>.</exception>
    /// <exception cref="RuleViolationException">It is final, or its expiry has passed.</exception>
    public async Task<Stored<Authorisation>> ExecuteAsync(AmendAuthorisationCommand command, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var why = AuthorisationInput.CheckChange(command.AuthorisationId, command.ExpectedRevision, command.Reason);
        var expiryGiven = command.ExpiresOn is not (null or { Year: 0, Month: 0, Day: 0 });
        new Validator().Check(!command.ClearExpiry || !expiryGiven, "expires_on", "must be empty when clear_expiry is set").ThrowIfInvalid();
        var current = await store.GetAuthorisationAsync(command.AuthorisationId, ct);
        AuthorisationAccess.DemandWrite(caller, current.Value.Jurisdiction);
        ExpectedRevision.Require(ApprovalsCollections.Authorisations, current, command.ExpectedRevision);
        var kept = current.Value;
        var newScope = command.Scope ?? new ScopeInput(kept.Scope.Indication, kept.Scope.MinAgeYears, kept.Scope.MaxAgeYears ?? 0, kept.Scope.InstitutionIds);
        var newExpiry = command.ClearExpiry ? null
            : expiryGiven ? command.ExpiresOn
            : kept.ExpiresOn is { } e ? DateParts.Of(e) : null;
        var amended = kept.Amend(newScope, newExpiry, clock.LatestToday());
        if (ReferenceEquals(amended, kept))
        {
            return current;
        }
        await store.CheckKnownAsync(amended, ct);
        return await store.SaveChangeAsync(clock, current, amended, (after, changes, now) =>
            AuthorisationChange.By(caller, AuthorisationChange.Amended, after.Id, after.Version, changes, why, now), ct);
    }
}
