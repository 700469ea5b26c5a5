using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <param name="ExpectedRevision">0 for a first commitment; the revision of the commitment an amendment changes.</param>
public sealed record CommitToPoolCommand(
    string? PoolId,
    string? CountryCode,
    int Quantity,
    Money? MaxUnitPrice,
    string? DeliveryInstitutionId,
    string? BudgetReference,
    long ExpectedRevision);

/// <summary>
/// The caller's country commits to the pool, or amends its commitment. A first commitment
/// names revision 0, an amendment the commitment's revision; a stale one is ABORTED. One that
/// changes nothing writes nothing. Taken only while the pool accepts commitments. An officer
/// naming another country is refused before anything is read.
/// </summary>
public sealed class CommitToPool(IDocumentStore store, TimeProvider clock, PoolViewers viewers)
{
    public async Task<SeenPool> ExecuteAsync(CommitToPoolCommand command, Caller caller, CancellationToken ct)
    {
        new Validator()
            .Check(Pool.IsPoolId(command.PoolId), "pool_id", PoolReads.PoolIdRule)
            .Check(command.ExpectedRevision >= 0, "expected_revision", "must be 0 for a first commitment, or the revision of the commitment it amends")
            .ThrowIfInvalid();
        if (new Validator().CountryCode(command.CountryCode, "country_code").IsValid)
        {
            CommitmentAccess.Demand(caller, command.CountryCode);
        }
        var saved = await ConflictRetry.RunAsync(async attemptCt =>
        {
            var current = await store.FindPoolAsync(command.PoolId!, attemptCt);
            var commitment = Commitment.Check(current.Value.Terms(), command.CountryCode, command.Quantity, command.MaxUnitPrice,
                command.DeliveryInstitutionId, command.BudgetReference);
            await CheckDeliveryInstitutionAsync(commitment, attemptCt);
            var now = clock.GetUtcNow();
            if (current.Value.WhyNotAccepting(now) is { } closed)
            {
                throw new RuleViolationException(closed);
            }
            var existing = current.Value.CommitmentOf(commitment.CountryCode);
            // No commitment yet is revision 0: the caller says it makes the first one.
            ExpectedRevision.Require(ProcurementCollections.Commitments, ProcurementCollections.CommitmentId(current.Id, commitment.CountryCode),
                existing?.Revision ?? 0, command.ExpectedRevision);
            if (existing is not null && existing.HasTermsOf(commitment))
            {
                return current;
            }
            // The commitment's revision is the pool's revision it is written at: it only rises, also across a
            // withdrawal and a new commitment, so a revision read before the withdrawal cannot change the new one.
            var kept = new PoolCommitment(commitment.CountryCode, commitment.Quantity, commitment.MaxUnitPrice, commitment.DeliveryInstitutionId,
                commitment.BudgetReference, current.Version + 1, caller.Subject, now);
            var next = current.Value.With(kept);
            new Validator().Check(next.HighestAmount <= long.MaxValue, "quantity",
                $"would take the pool's value at its first tier price beyond what an amount can carry ({long.MaxValue:N0} {next.Currency})").ThrowIfInvalid();
            return await store.SaveCommitmentAsync(clock, current, next, kept.CountryCode,
                existing is null ? CommitmentChange.Committed : CommitmentChange.Amended, kept, attemptCt);
        }, ct);
        return SeenPool.Of(saved, viewers.Of(caller), clock.GetUtcNow());
    }

    /// <summary>Units go to an institution of the committing country that the registry knows.</summary>
    private async Task CheckDeliveryInstitutionAsync(Commitment commitment, CancellationToken ct)
    {
        var institution = await store.FindAsync(ProcurementCollections.KnownInstitutions, commitment.DeliveryInstitutionId, ct);
        new Validator()
            .Check(institution?.Value.CountryCode == commitment.CountryCode, "delivery_institution_id",
                $"is not an institution of {commitment.CountryCode} known to the registry")
            .ThrowIfInvalid();
    }
}
