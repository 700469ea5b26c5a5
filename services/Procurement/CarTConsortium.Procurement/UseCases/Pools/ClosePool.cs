using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.UseCases.Pools;

public sealed record ClosePoolCommand(string? PoolId, string? Reason);

/// <summary>An admin closes an open pool before its time and settles it now, giving the reason.</summary>
public sealed class ClosePool(IDocumentStore store, TimeProvider clock, PoolViewers viewers)
{
    private const int MaxReasonLength = 500;

    public async Task<SeenPool> ExecuteAsync(ClosePoolCommand command, Caller caller, CancellationToken ct)
    {
        new Validator()
            .Check(Pool.IsPoolId(command.PoolId), "pool_id", PoolReads.PoolIdRule)
            .Required(command.Reason, "reason").MaxLength(command.Reason?.Trim(), MaxReasonLength, "reason")
            .ThrowIfInvalid();
        var closed = await ConflictRetry.RunAsync(async attemptCt =>
            await store.CloseAsync(clock, await store.FindPoolAsync(command.PoolId!, attemptCt), caller.Subject, command.Reason!.Trim(), attemptCt), ct);
        return SeenPool.Of(closed, viewers.Of(caller), clock.GetUtcNow());
    }
}
