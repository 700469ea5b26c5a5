using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.UseCases.Pools;

public sealed record GetSavingsCommand(string? PoolId);

/// <param name="Report">Cut down to what the caller may see (<see cref="Pool.SavingsSeenBy"/>).</param>
public sealed record SeenSavings(string PoolId, SavingsReport Report);

/// <summary>What each country pays, would pay alone and saves in a pool (<see cref="Pool.Savings"/>), as the caller may see it.</summary>
public sealed class GetSavings(IDocumentStore store, PoolViewers viewers)
{
    public async Task<SeenSavings> ExecuteAsync(GetSavingsCommand command, Caller caller, CancellationToken ct)
    {
        new Validator().Check(Pool.IsPoolId(command.PoolId), "pool_id", PoolReads.PoolIdRule).ThrowIfInvalid();
        var pool = await store.FindPoolAsync(command.PoolId!, ct);
        return new SeenSavings(pool.Id, pool.Value.SavingsSeenBy(viewers.Of(caller)));
    }
}
