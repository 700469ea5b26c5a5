using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;

namespace CarTConsortium.Slots.UseCases.Bookings;

public sealed record MoveBookingCommand(string? BookingId, string? ToCapacityId, long ExpectedRevision, string? Note = null);

/// <summary>A site (or an admin) moves a booking to another run of the product at the site; the hospital is told (BookingChanged).</summary>
public sealed class MoveBooking(IDocumentStore store, TimeProvider clock, Allocator allocator, BookingReads bookings, BookingPlaces places, PlacesFreed placesFreed,
    LedgerGates ledgerGates)
{
    public async Task<BookingView> ExecuteAsync(MoveBookingCommand command, Caller caller, CancellationToken ct)
    {
        new Validator()
            .Check(Ids.IsId(command.BookingId), "booking_id", BookingReads.IdViolation)
            .Check(Ids.IsId(command.ToCapacityId), "to_capacity_id", "must be a capacity id as PublishCapacity returned it")
            .CheckExpectedRevision(command.ExpectedRevision)
            .ThrowIfInvalid();
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var now = clock.GetUtcNow();
            var today = ManufacturingRun.Today(now);
            var current = await bookings.FindAsync(command.BookingId, attemptCt);
            var booking = current.Value;
            caller.Demand(caller.IsConsortiumAdmin || BookingAccess.IsSiteOf(caller, booking), "Only the booking's manufacturing site or a consortium admin moves a booking.");
            ExpectedRevision.Require(SlotsCollections.Bookings, current, command.ExpectedRevision);
            var target = await store.FindAsync(SlotsCollections.Runs, command.ToCapacityId!, attemptCt)
                ?? throw new NotFoundException($"No capacity '{command.ToCapacityId}' is published.");
            var moved = booking.MoveTo(target.Value, caller, command.Note, now);
            // The ledgers the place leaves and joins (one, within a month), entered before either is read.
            using var gates = await ledgerGates.EnterAsync(
                [PeriodLedger.IdOf(booking.SiteId, booking.RunStart), PeriodLedger.IdOf(target.Value.SiteId, target.Value.RunStart)], attemptCt);
            var request = await bookings.RunRequestOfAsync(booking, attemptCt);
            // Fair shares are not weighed again: a move is the site's decision within its own capacity.
            var decision = (await allocator.WeighAsync(request, [target], today, attemptCt, new FairnessOptions())).Single();
            if (!decision.Decision.Fits)
            {
                throw new RuleViolationException($"Booking {booking.BookingId} cannot move to run {target.Id}: {string.Join("; ", decision.Decision.Reasons)}.");
            }
            var changes = new ChangeSet().Update(SlotsCollections.Bookings, current, moved);
            // The same month: the ledger the target was weighed on is the source's too, so one copy is freed and taken from.
            var source = PeriodLedger.IdOf(booking.SiteId, booking.RunStart) == decision.Ledger.Id
                ? decision.Ledger
                : await allocator.LedgerAsync(booking.SiteId, booking.RunStart, attemptCt);
            if (source.Id == decision.Ledger.Id)
            {
                // The same month: one ledger gives the place back and takes the new one.
                var both = source.Value.Free(booking.CapacityId, booking.PatientCountry).Take(target.Id, booking.PatientCountry);
                changes.Update(SlotsCollections.PeriodLedgers, source, both);
                await places.RaiseRunAsync(changes, booking.CapacityId, both, attemptCt);
                changes.Raise(SlotsEvents.CapacityChanged(target, both), clock);
            }
            else
            {
                var freed = source.Value.Free(booking.CapacityId, booking.PatientCountry);
                var taken = decision.Ledger.Value.Take(target.Id, booking.PatientCountry);
                changes.Update(SlotsCollections.PeriodLedgers, source, freed).Update(SlotsCollections.PeriodLedgers, decision.Ledger, taken);
                await places.RaiseRunAsync(changes, booking.CapacityId, freed, attemptCt);
                changes.Raise(SlotsEvents.CapacityChanged(target, taken), clock);
            }
            changes.Raise(SlotsEvents.BookingChanged(moved, current.Version + 1, BookingChanges.Moved, moved.Custody[^1].Note ?? "moved"), clock);
            await store.CommitAsync(changes, attemptCt);
            placesFreed.Notify();
            return BookingView.For(caller, current with { Version = current.Version + 1, Value = moved });
        }, ct);
    }
}
