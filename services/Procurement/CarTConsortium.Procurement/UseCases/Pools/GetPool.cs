using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.UseCases.Pools;

public sealed record GetPoolCommand(string? PoolId);

/// <summary>One pool, as the caller may see it.</summary>
public sealed class GetPool(IDocumentStore store, TimeProvider clock, PoolViewers viewers)
{
    public async Task<SeenPool> ExecuteAsync(GetPoolCommand command, Caller caller, CancellationToken ct)
    {
        new Validator().Check(Pool.IsPoolId(command.PoolId), "pool_id", PoolReads.PoolIdRule).ThrowIfInvalid();
        var pool = await store.FindPoolAsync(command.PoolId!, ct);
        return SeenPool.Of(pool, viewers.Of(caller), clock.GetUtcNow());
    }
}
