using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <param name="ExpectedRevision">The revision of the commitment withdrawn; a stale one is ABORTED.</param>
public sealed record WithdrawCommitmentCommand(string? PoolId, string? CountryCode, long ExpectedRevision);

/// <summary>The caller's country takes its commitment back, while the pool accepts commitments.</summary>
public sealed class WithdrawCommitment(IDocumentStore store, TimeProvider clock, PoolViewers viewers)
{
    public async Task<SeenPool> ExecuteAsync(WithdrawCommitmentCommand command, Caller caller, CancellationToken ct)
    {
        new Validator()
            .Check(Pool.IsPoolId(command.PoolId), "pool_id", PoolReads.PoolIdRule)
            .CountryCode(command.CountryCode, "country_code")
            .Check(command.ExpectedRevision >= 1, "expected_revision", "is required: the revision of the commitment withdrawn")
            .ThrowIfInvalid();
        CommitmentAccess.Demand(caller, command.CountryCode);
        var saved = await ConflictRetry.RunAsync(async attemptCt =>
        {
            var current = await store.FindPoolAsync(command.PoolId!, attemptCt);
            if (current.Value.WhyNotAccepting(clock.GetUtcNow()) is { } closed)
            {
                throw new RuleViolationException(closed);
            }
            var existing = current.Value.CommitmentOf(command.CountryCode!)
                ?? throw new NotFoundException($"{command.CountryCode} has no commitment in this pool.");
            ExpectedRevision.Require(ProcurementCollections.Commitments, ProcurementCollections.CommitmentId(current.Id, existing.CountryCode),
                existing.Revision, command.ExpectedRevision);
            return await store.SaveCommitmentAsync(clock, current, current.Value.Without(existing.CountryCode), existing.CountryCode,
                CommitmentChange.Withdrawn, null, attemptCt);
        }, ct);
        return SeenPool.Of(saved, viewers.Of(caller), clock.GetUtcNow());
    }
}
