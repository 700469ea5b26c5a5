using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <summary>
/// Closes and settles every open pool whose closing time has come. Run by the closing job;
/// a pool someone closes meanwhile is left as they closed it, so several replicas are safe.
/// Reads by closing day (<see cref="PoolKeys.ClosingDay"/>) only the days since the last complete round
/// (<see cref="ClosingSweep"/>), a page at a time; every open pool only in a first round or after a long pause.
/// </summary>
public sealed class CloseDuePools(IDocumentStore store, TimeProvider clock)
{
    /// <returns>How many pools this call closed.</returns>
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var today = ClosingSweep.DayOf(clock.GetUtcNow());
        var mark = await store.FindAsync(ProcurementCollections.ClosingSweeps, ClosingSweep.Id, ct);
        IEnumerable<DocumentQuery> queries = ClosingSweep.DaysToRead(mark?.Value.SweptThrough, today) is { } days
            ? days.Select(PoolReads.ClosingOn)
            : [DocumentQuery.All.WhereKey(PoolKeys.Status, PoolKeys.StatusOf(PoolStatus.Open))];
        var closed = 0;
        foreach (var query in queries)
        {
            await foreach (var due in store.PagesOfPoolsAsync(query, ct))
            {
                closed += await CloseIfDueAsync(due, ct);
            }
        }
        if (mark?.Value.SweptThrough != today)
        {
            await MoveMarkAsync(mark, today, ct);
        }
        return closed;
    }

    private async Task<int> CloseIfDueAsync(Stored<Pool> due, CancellationToken ct)
    {
        if (!due.Value.IsDueToCloseAt(clock.GetUtcNow()))
        {
            return 0;
        }
        return await ConflictRetry.RunAsync(async attemptCt =>
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

    // A replica that loses the race leaves the mark the other round set: both read the same days.
    private async Task MoveMarkAsync(Stored<ClosingSweep>? mark, DateOnly today, CancellationToken ct)
    {
        try
        {
            var changes = new ChangeSet();
            _ = mark is null
                ? changes.Insert(ProcurementCollections.ClosingSweeps, ClosingSweep.Id, new ClosingSweep(today))
                : changes.Update(ProcurementCollections.ClosingSweeps, mark, new ClosingSweep(today));
            await store.CommitAsync(changes, ct);
        }
        catch (Exception e) when (e is ConcurrencyConflictException or DocumentExistsException)
        {
            // Moved by another round meanwhile.
        }
    }
}
