using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Bookings;

namespace CarTConsortium.Slots.UseCases.Waitlist;

/// <summary>The platform's own work: lets every hold whose time is up lapse, freeing its place (and closing the offer it was).</summary>
public sealed class LapseDueHolds(IDocumentStore store, TimeProvider clock, BookingPlaces places)
{
    /// <returns>How many holds lapsed.</returns>
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var today = ManufacturingRun.Today(clock.GetUtcNow());
        var mark = await store.FindAsync(SlotsCollections.HoldSweepMarks, HoldSweepMark.Id, ct);
        var held = await ReadHeldAsync(mark?.Value.SweptOn, today, ct);
        var lapsed = 0;
        foreach (var candidate in held.Where(h => h.Value.IsLapsedAt(clock.GetUtcNow())))
        {
            lapsed += await ConflictRetry.RunAsync(async attemptCt =>
            {
                var now = clock.GetUtcNow();
                var current = await store.FindAsync(SlotsCollections.Bookings, candidate.Id, attemptCt);
                if (current is null || !current.Value.IsLapsedAt(now))
                {
                    return 0; // Confirmed or cancelled meanwhile.
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
        await MarkSweptAsync(mark, today, ct);
        return lapsed;
    }

    /// <summary>The held bookings that may be due: every one in the first round of a day, else those due today.</summary>
    public async Task<List<Stored<Booking>>> ReadHeldAsync(DateOnly? sweptOn, DateOnly today, CancellationToken ct) =>
        await store.QueryAllAsync(SlotsCollections.Bookings, DueHolds.ReadsEveryHold(sweptOn, today)
            ? DocumentQuery.All.WhereKey(IndexKeys.Status, nameof(BookingStatus.Held))
            : DocumentQuery.All.WhereKey(IndexKeys.HeldDue, DueHolds.Day(today)), ct);

    // Moved by the first complete round of a day; a replica that loses the race leaves the mark another round set.
    private async Task MarkSweptAsync(Stored<HoldSweepMark>? mark, DateOnly today, CancellationToken ct)
    {
        if (!DueHolds.ReadsEveryHold(mark?.Value.SweptOn, today))
        {
            return;
        }
        var changes = mark is null
            ? new ChangeSet().Insert(SlotsCollections.HoldSweepMarks, HoldSweepMark.Id, new HoldSweepMark(today))
            : new ChangeSet().Update(SlotsCollections.HoldSweepMarks, mark, new HoldSweepMark(today));
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
