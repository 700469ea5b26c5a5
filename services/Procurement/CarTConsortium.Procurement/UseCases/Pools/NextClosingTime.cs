using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <summary>
/// The earliest closing time of a pool still open, for the closing job to wake at: read day by day by closing day
/// from today, up to <see cref="ClosingSweep.LookAheadDays"/> ahead, never every open pool.
/// </summary>
public sealed class NextClosingTime(IDocumentStore store, TimeProvider clock)
{
    /// <returns>Null when no pool closes within the days looked at (the job's interval wakes it meanwhile).</returns>
    public async Task<DateTimeOffset?> ExecuteAsync(CancellationToken ct)
    {
        var today = ClosingSweep.DayOf(clock.GetUtcNow());
        for (var ahead = 0; ahead <= ClosingSweep.LookAheadDays; ahead++)
        {
            DateTimeOffset? earliest = null;
            await foreach (var pool in store.PagesOfPoolsAsync(PoolReads.ClosingOn(today.AddDays(ahead)), ct))
            {
                earliest = earliest is { } found && found <= pool.Value.ClosesAt ? found : pool.Value.ClosesAt;
            }
            if (earliest is not null)
            {
                return earliest;
            }
        }
        return null;
    }
}
