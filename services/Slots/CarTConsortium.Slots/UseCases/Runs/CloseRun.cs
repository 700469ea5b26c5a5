using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases.Runs;

public sealed record CloseRunCommand(string? CapacityId, long ExpectedRevision, string? Reason = null);

/// <summary>
/// Takes a run out of offer; refused while bookings hold places in it, naming them, so the
/// site moves or cancels them first (their hospitals are told then).
/// </summary>
public sealed class CloseRun(IDocumentStore store, RunChange runChange)
{
    public Task<RunView> ExecuteAsync(CloseRunCommand command, Caller caller, CancellationToken ct) =>
        runChange.ApplyAsync(caller, command.CapacityId, command.ExpectedRevision, async (run, attemptCt) =>
        {
            // The bookings holding a place only, not the run's cancelled and lapsed ones.
            var holding = (await store.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.ActiveCapacity, run.CapacityId), attemptCt))
                .Where(b => b.Value.IsActive).Select(b => b.Id).ToList();
            if (holding.Count > 0)
            {
                throw new RuleViolationException($"Capacity {run.CapacityId}: {holding.Count} booking(s) hold places ({string.Join(", ", holding)}); "
                    + "move them to another run (MoveBooking) or cancel them first.");
            }
            return run.Close(command.Reason);
        }, ct);
}
