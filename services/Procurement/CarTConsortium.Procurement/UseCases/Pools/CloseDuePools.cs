using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <summary>
/// Closes and settles every open pool whose closing time has come. Run by the closing job;
/// a pool someone closes meanwhile is left as they closed it, so several replicas are safe.
/// </summary>
public sealed class CloseDuePools(IDocumentStore store, TimeProvider clock)
{
    /// <returns>How many pools this call closed.</returns>
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var closed = 0;
        foreach (var due in await store.OpenPoolsAsync(ct))
        {
            if (!due.Value.IsDueToCloseAt(clock.GetUtcNow()))
            {
                continue;
            }
            closed += await ConflictRetry.RunAsync(async attemptCt =>
            {
                var current = await store.FindPoolAsync(due.Id, attemptCt);
                if (!current.Value.IsDueToCloseAt(clock.GetUtcNow()))
                {
                    return 0;
                }
                await store.CloseAsync(clock, current, Pool.ClosingJob, null, attemptCt);
                return 1;
            }, ct);
        }
        return closed;
    }
}
