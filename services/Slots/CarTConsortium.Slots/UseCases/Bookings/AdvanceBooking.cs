using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Waitlist;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <param name="To">The status the booking is to take; null when the caller sent none.</param>
public sealed record AdvanceBookingCommand(string? BookingId, BookingStatus? To, long ExpectedRevision, string? Note = null);

/// <summary>
/// One step of a booking's lifecycle by whoever may take it (<see cref="Booking.MayTake(Caller, Booking, BookingStatus, out string)"/>).
/// Confirmation checks the rules again; a step that ends the booking frees what it held; a
/// failed manufacturing run puts the patient first in line for a re-run.
/// </summary>
public sealed class AdvanceBooking(IDocumentStore store, TimeProvider clock, Allocator allocator, BookingReads bookings, BookingPlaces places, PlacesFreed placesFreed, LotteryDraws lottery,
    LedgerGates ledgerGates)
{
    public async Task<BookingView> ExecuteAsync(AdvanceBookingCommand command, Caller caller, CancellationToken ct)
    {
        var (to, note) = (command.To, command.Note);
        new Validator()
            .Check(Ids.IsId(command.BookingId), "booking_id", BookingReads.IdViolation)
            .Check(to is not null, "to", "is required: the status the booking is to take")
            .CheckExpectedRevision(command.ExpectedRevision)
            .ThrowIfInvalid();
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var now = clock.GetUtcNow();
            var current = await bookings.FindAsync(command.BookingId, attemptCt);
            var booking = current.Value;
            caller.Demand(BookingAccess.MayFollow(caller, booking), BookingAccess.WhoMayFollow);
            booking.RefuseSettingByHand(to!.Value);
            caller.Demand(Booking.MayTake(caller, booking, to.Value, out var why), $"Not allowed: {why}.");
            ExpectedRevision.Require(SlotsCollections.Bookings, current, command.ExpectedRevision);
            var next = booking.Advance(to.Value, caller, note, now);
            // Only a cancellation gives a place back; the other steps leave the ledger as it is.
            using var gate = next.Status == BookingStatus.Cancelled && !booking.IsManufactured
                ? await ledgerGates.EnterAsync(PeriodLedger.IdOf(booking.SiteId, booking.RunStart), attemptCt)
                : null;
            var changes = new ChangeSet().Update(SlotsCollections.Bookings, current, next);
            var detail = $"{booking.BookingId} is {Booking.Words(next.Status)}" + (string.IsNullOrWhiteSpace(note) ? "." : $": {note.Trim()}");
            switch (next.Status)
            {
                case BookingStatus.Confirmed:
                    await ConfirmAsync(booking, changes, now, attemptCt);
                    break;
                case BookingStatus.Cancelled:
                    // A manufactured run used its line: the place is not given back.
                    if (!booking.IsManufactured)
                    {
                        await places.FreeAsync(booking, changes, attemptCt);
                    }
                    await EndClaimAsync(booking, changes, offerDeclined: BookingAccess.IsTreatingHospitalOf(caller, booking), attemptCt);
                    break;
                case BookingStatus.Infused:
                    await EndClaimAsync(booking, changes, offerDeclined: false, attemptCt);
                    break;
                case BookingStatus.ManufacturingFailed:
                    await RequeueAfterFailureAsync(booking, changes, now, attemptCt);
                    break;
            }
            changes.Raise(SlotsEvents.BookingChanged(next, current.Version + 1, Booking.Words(next.Status), detail), clock);
            await store.CommitAsync(changes, attemptCt);
            if (next.Status is BookingStatus.Cancelled or BookingStatus.ManufacturingFailed)
            {
                placesFreed.Notify();
            }
            return BookingView.For(caller, current with { Version = current.Version + 1, Value = next });
        }, ct);
    }

    /// <summary>The rules again (consent, authorisation, agreement, cut-off); an accepted waitlist offer closes its entry.</summary>
    private async Task ConfirmAsync(Booking booking, ChangeSet changes, DateTimeOffset now, CancellationToken ct)
    {
        var run = await store.FindAsync(SlotsCollections.Runs, booking.CapacityId, ct)
            ?? throw new InvalidOperationException($"Booking {booking.BookingId} names no published run.");
        if ((await store.FindAsync(SlotsCollections.KnownPatients, booking.Pseudonym, ct))?.Value is { InRegistry: false })
        {
            throw new RuleViolationException("The patient's registry consent is withdrawn; nothing further is booked for the patient.");
        }
        var recheck = await allocator.RecheckAsync(await bookings.RunRequestOfAsync(booking, ct), run.Value, ManufacturingRun.Today(now), ct);
        if (!recheck.Fits)
        {
            throw new RuleViolationException($"Booking {booking.BookingId} cannot be confirmed: {string.Join("; ", recheck.Reasons)}.");
        }
        if (booking.WaitlistEntryId is { } entryId && await store.FindAsync(SlotsCollections.Waitlist, entryId, ct) is { } entry)
        {
            var accepted = entry.Value with { Status = WaitlistStatus.Accepted };
            changes.Update(SlotsCollections.Waitlist, entry, accepted)
                .Raise(SlotsEvents.WaitlistChanged(entry with { Version = entry.Version + 1, Value = accepted }, WaitlistChanges.Accepted), clock);
            var claim = await store.FindAsync(SlotsCollections.PatientClaims, booking.Pseudonym, ct);
            PatientClaims.Stage(changes, claim, new PatientClaim(booking.Pseudonym, booking.BookingId, null));
        }
    }

    /// <summary>
    /// The patient holds the booking no longer. If the booking was an unanswered waitlist
    /// offer, the hospital's cancel declines it (the entry closes); a site's or an admin's
    /// cancel puts the patient back in line with the place it had.
    /// </summary>
    private async Task EndClaimAsync(Booking booking, ChangeSet changes, bool offerDeclined, CancellationToken ct)
    {
        var claim = await store.FindAsync(SlotsCollections.PatientClaims, booking.Pseudonym, ct);
        var openEntry = claim?.Value.OpenEntryId;
        if (booking.Status == BookingStatus.Held && booking.WaitlistEntryId is { } entryId
            && await store.FindAsync(SlotsCollections.Waitlist, entryId, ct) is { Value.Status: WaitlistStatus.Offered } entry)
        {
            var next = offerDeclined
                ? entry.Value with { Status = WaitlistStatus.Closed, ClosedReason = "the offer was declined" }
                : entry.Value with { Status = WaitlistStatus.Waiting, OfferedBookingId = null };
            // Its due day may have been swept while it held the offer (LapsePassedWindows reads each due day once): close it here.
            if (WaitingEntries.HasLapsedOn(next, ManufacturingRun.Today(clock.GetUtcNow())))
            {
                next = next with { Status = WaitlistStatus.Closed, ClosedReason = WaitingEntries.LapsedReason(next) };
            }
            var closed = next.Status == WaitlistStatus.Closed;
            changes.Update(SlotsCollections.Waitlist, entry, next)
                .Raise(SlotsEvents.WaitlistChanged(entry with { Version = entry.Version + 1, Value = next }, closed ? WaitlistChanges.Closed : WaitlistChanges.Waiting), clock);
            openEntry = closed && openEntry == entryId ? null : openEntry;
        }
        PatientClaims.Stage(changes, claim,
            new PatientClaim(booking.Pseudonym, claim?.Value.ActiveBookingId == booking.BookingId ? null : claim?.Value.ActiveBookingId, openEntry));
    }

    /// <summary>A failed run puts the patient first in line for a re-run: a waitlist entry marked so, with the booking's urgency.</summary>
    private async Task RequeueAfterFailureAsync(Booking booking, ChangeSet changes, DateTimeOffset now, CancellationToken ct)
    {
        var claim = await store.FindAsync(SlotsCollections.PatientClaims, booking.Pseudonym, ct);
        var requestId = Guid.CreateVersion7(now).ToString();
        // The patient's kept draw: a re-run entry stands among equals where the patient always stood.
        var draw = await lottery.DrawOfAsync(booking.Pseudonym, booking.ProductId, ct);
        var entry = new WaitlistEntry(Guid.CreateVersion7(now).ToString(), booking.Pseudonym, booking.PatientCountry, booking.TreatingInstitutionId,
            booking.ProductId, booking.Urgency, now, PriorFailedRun: true, WaitlistStatus.Waiting, null, requestId, null, null, null, booking.Indication)
        {
            Draw = draw.Draw.Draw,
            DrawPeriod = draw.Draw.Period,
            EmergencyJustification = booking.EmergencyJustification,
        };
        draw.Stage(changes);
        var summary = $"Manufacturing of booking {booking.BookingId} failed; the patient is first in line for a re-run of {booking.ProductId}.";
        changes.Insert(SlotsCollections.Waitlist, entry.EntryId, entry)
            .Insert(SlotsCollections.AllocationDecisions, requestId, new AllocationDecision(requestId, booking.Pseudonym, booking.TreatingInstitutionId,
                booking.ProductId, now, null, entry.EntryId, summary, []))
            .Raise(SlotsEvents.WaitlistChanged(Stored.Inserted(entry.EntryId, entry), WaitlistChanges.Joined), clock);
        PatientClaims.Stage(changes, claim, new PatientClaim(booking.Pseudonym, null, entry.EntryId));
    }
}
