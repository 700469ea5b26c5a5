using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Bookings;

namespace CarTConsortium.Slots.UseCases.Waitlist;

/// <summary>The platform's own work: lets every hold whose time is up lapse, freeing its place (and closing the offer it was).</summary>
public sealed class LapseDueHolds(IDocumentStore store, TimeProvider clock, BookingPlaces places, LedgerGates ledgerGates)
{
    /// <returns>How many holds lapsed.</returns>
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var startedAt = clock.GetUtcNow();
        var mark = await store.FindAsync(SlotsCollections.HoldSweepMarks, HoldSweepMark.Id, ct);
        var held = await ReadHeldAsync(mark?.Value.SweptAt, startedAt, ct);
        var lapsed = 0;
        foreach (var candidate in held.Where(h => h.Value.IsLapsedAt(clock.GetUtcNow())))
        {
            lapsed += await ConflictRetry.RunAsync(async attemptCt =>
            {
                var now = clock.GetUtcNow();
                var seen = await store.FindAsync(SlotsCollections.Bookings, candidate.Id, attemptCt);
                if (seen is null || !seen.Value.IsLapsedAt(now))
                {
                    return 0; // Confirmed or cancelled meanwhile.
                }
                var ledgerId = PeriodLedger.IdOf(seen.Value.SiteId, seen.Value.RunStart);
                using var gate = await ledgerGates.EnterAsync(ledgerId, attemptCt);
                // Read again under the gate: another round (a replica's, or this process's) may have lapsed the hold and freed
                // its place while this one waited, and freeing it twice would be refused by the ledger.
                var current = await store.FindAsync(SlotsCollections.Bookings, candidate.Id, attemptCt);
                if (current is null || !current.Value.IsLapsedAt(now))
                {
                    return 0;
                }
                if (PeriodLedger.IdOf(current.Value.SiteId, current.Value.RunStart) != ledgerId)
                {
                    // Moved to another month or site meanwhile: this gate is not its ledger's; read it all again.
                    throw new ConcurrencyConflictException($"Booking {candidate.Id} moved to another ledger while its lapse waited.");
                }
                var expired = current.Value.Lapse(now);
                var changes = new ChangeSet().Update(SlotsCollections.Bookings, current, expired);
                await places.FreeAsync(expired, changes, attemptCt);
                var claim = await store.FindAsync(SlotsCollections.PatientClaims, expired.Pseudonym, attemptCt);
                var openEntry = claim?.Value.OpenEntryId;
                if (expired.WaitlistEntryId is { } entryId
                    && await store.FindAsync(SlotsCollections.Waitlist, entryId, attemptCt) is { Value.Status: WaitlistStatus.Offered } entry)
                {
                    var closed = entry.Value with { Status = WaitlistStatus.Closed, ClosedReason = "the offer lapsed unanswered" };
                    changes.Update(SlotsCollections.Waitlist, entry, closed)
                        .Raise(SlotsEvents.WaitlistChanged(entry with { Version = entry.Version + 1, Value = closed }, WaitlistChanges.Closed), clock);
                    openEntry = openEntry == entryId ? null : openEntry;
                }
                PatientClaims.Stage(changes, claim,
                    new PatientClaim(expired.Pseudonym, claim?.Value.ActiveBookingId == expired.BookingId ? null : claim?.Value.ActiveBookingId, openEntry));
                changes.Raise(SlotsEvents.BookingChanged(expired, current.Version + 1, BookingChanges.Expired,
                    $"The hold on run {expired.CapacityId} lapsed at {expired.HoldExpiresAt:yyyy-MM-dd HH:mm} UTC unconfirmed."), clock);
                await store.CommitAsync(changes, attemptCt);
                return 1;
            }, ct);
        }
        await MarkSweptAsync(mark, startedAt, ct);
        return lapsed;
    }

    /// <summary>The held bookings that may be due: every one in the first round of a day, else those due from the mark's hour to now's.</summary>
    public async Task<List<Stored<Booking>>> ReadHeldAsync(DateTimeOffset? sweptAt, DateTimeOffset now, CancellationToken ct)
    {
        if (DueHolds.ReadsEveryHold(sweptAt, now))
        {
            return await store.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.Status, nameof(BookingStatus.Held)), ct);
        }
        var held = new List<Stored<Booking>>();
        foreach (var hour in DueHolds.HoursToRead(sweptAt!.Value, now))
        {
            held.AddRange(await store.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.HeldDue, hour), ct));
        }
        return held;
    }

    // Moved once an hour at most; a replica that loses the race leaves the mark another round set.
    private async Task MarkSweptAsync(Stored<HoldSweepMark>? mark, DateTimeOffset startedAt, CancellationToken ct)
    {
        if (!DueHolds.MovesMark(mark?.Value.SweptAt, startedAt))
        {
            return;
        }
        var changes = mark is null
            ? new ChangeSet().Insert(SlotsCollections.HoldSweepMarks, HoldSweepMark.Id, new HoldSweepMark(startedAt))
            : new ChangeSet().Update(SlotsCollections.HoldSweepMarks, mark, new HoldSweepMark(startedAt));
        try
        {
            await store.CommitAsync(changes, ct);
        }
        catch (Exception e) when (e is ConcurrencyConflictException or DocumentExistsException)
        {
            // Another replica's round moved it meanwhile.
        }
    }
}
