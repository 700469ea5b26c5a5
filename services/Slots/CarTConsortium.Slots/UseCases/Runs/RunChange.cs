using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;

namespace CarTConsortium.Slots.UseCases.Runs;

/// <summary>
/// One change of a run by its site (or an admin), committed with the run's ledger so no
/// booking slips in between: what closing and reopening share.
/// </summary>
public sealed class RunChange(IDocumentStore store, TimeProvider clock, RunReads runs, InstitutionAccess institutions, PlacesFreed placesFreed,
    LedgerGates ledgerGates)
{
    /// <param name="change">The run after the change, from the run as read; may read more (with the token it is given).</param>
    public async Task<RunView> ApplyAsync(Caller caller, string? capacityId, long expectedRevision,
        Func<ManufacturingRun, CancellationToken, Task<ManufacturingRun>> change, CancellationToken ct)
    {
        new Validator()
            .Check(Ids.IsId(capacityId), "capacity_id", RunReads.IdViolation)
            .CheckExpectedRevision(expectedRevision)
            .ThrowIfInvalid();
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var current = await runs.FindAsync(capacityId, attemptCt);
            if (!caller.IsConsortiumAdmin)
            {
                await institutions.SiteOfCallerAsync(caller, current.Value.SiteId, "A manufacturing site changes its own site's capacity only.", attemptCt);
            }
            ExpectedRevision.Require(SlotsCollections.Runs, current, expectedRevision);
            var ledgerId = PeriodLedger.IdOf(current.Value.SiteId, current.Value.RunStart);
            using var gate = await ledgerGates.EnterAsync(ledgerId, attemptCt);
            var ledger = await store.FindAsync(SlotsCollections.PeriodLedgers, ledgerId, attemptCt)
                ?? throw new InvalidOperationException($"No ledger for published run {current.Id}.");
            var next = await change(current.Value, attemptCt);
            var nextLedger = ledger.Value.WithRun(next.CapacityId, next.Lines, next.IsOpen, next.ApheresisCutoff);
            var stored = current with { Version = current.Version + 1, Value = next };
            var booked = nextLedger.PlacesOf(next.CapacityId).Taken;
            await store.CommitAsync(new ChangeSet()
                .Update(SlotsCollections.Runs, current, next)
                .Update(SlotsCollections.PeriodLedgers, ledger, nextLedger)
                .Raise(SlotsEvents.CapacityChanged(stored, booked), clock), attemptCt);
            if (next.IsOpen)
            {
                placesFreed.Notify();
            }
            return new RunView(stored, booked);
        }, ct);
    }
}
