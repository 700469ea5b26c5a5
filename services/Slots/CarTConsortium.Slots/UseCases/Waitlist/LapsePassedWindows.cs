using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Bookings;

namespace CarTConsortium.Slots.UseCases.Waitlist;

/// <summary>
/// The platform's own work: closes every waiting entry whose window has passed (its latest start is before today, so
/// no run can start in it any more), telling the hospital why, and frees the patient's claim so the hospital can ask
/// again. Reads the entries by the day their window passed (<see cref="WaitingEntries.DueDayOf"/>): the days from the
/// one the last complete round reached to today, never every waiting entry (except in a first round, or after a
/// long pause: see <see cref="WaitingEntries.ReadsEveryEntry"/>).
/// </summary>
public sealed class LapsePassedWindows(IDocumentStore store, TimeProvider clock)
{
    /// <returns>How many entries were closed.</returns>
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var today = ManufacturingRun.Today(clock.GetUtcNow());
        var mark = await store.FindAsync(SlotsCollections.WaitlistSweepMarks, WaitlistSweepMark.Id, ct);
        var lapsed = 0;
        foreach (var candidate in (await ReadDueAsync(mark?.Value.SweptThrough, today, ct)).Where(e => WaitingEntries.HasLapsedOn(e.Value, today)))
        {
            lapsed += await ConflictRetry.RunAsync(attemptCt => LapseAsync(candidate.Id, attemptCt), ct);
        }
        if (mark?.Value.SweptThrough != today)
        {
            await MoveMarkAsync(mark, today, ct);
        }
        return lapsed;
    }

    /// <summary>The waiting entries that may have lapsed on <paramref name="today"/>, given the day the last complete round reached.</summary>
    public async Task<List<Stored<WaitlistEntry>>> ReadDueAsync(DateOnly? sweptThrough, DateOnly today, CancellationToken ct) =>
        WaitingEntries.ReadsEveryEntry(sweptThrough, today)
            ? await store.QueryAllAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey(IndexKeys.Status, nameof(WaitlistStatus.Waiting)), ct)
            : await store.QueryBucketsAsync(SlotsCollections.Waitlist, IndexKeys.WaitingDue, WaitingEntries.DueDaysToRead(sweptThrough!.Value, today), ct);

    private async ValueTask<int> LapseAsync(string entryId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var current = await store.FindAsync(SlotsCollections.Waitlist, entryId, ct);
        if (current is null || !WaitingEntries.HasLapsedOn(current.Value, ManufacturingRun.Today(now)))
        {
            return 0; // Offered or withdrawn meanwhile.
        }
        var closed = current.Value with { Status = WaitlistStatus.Closed, ClosedReason = WaitingEntries.LapsedReason(current.Value) };
        var changes = new ChangeSet().Update(SlotsCollections.Waitlist, current, closed);
        var claim = await store.FindAsync(SlotsCollections.PatientClaims, closed.Pseudonym, ct);
        if (claim?.Value.OpenEntryId == entryId)
        {
            PatientClaims.Stage(changes, claim, claim.Value with { OpenEntryId = null });
        }
        changes.Raise(SlotsEvents.WaitlistChanged(current with { Version = current.Version + 1, Value = closed }, WaitlistChanges.Closed), clock);
        await store.CommitAsync(changes, ct);
        return 1;
    }

    // A replica that loses the race leaves the mark another round set: both read the same days.
    private async Task MoveMarkAsync(Stored<WaitlistSweepMark>? mark, DateOnly today, CancellationToken ct)
    {
        var swept = new WaitlistSweepMark(today);
        try
        {
            await store.CommitAsync(mark is null
                ? new ChangeSet().Insert(SlotsCollections.WaitlistSweepMarks, WaitlistSweepMark.Id, swept)
                : new ChangeSet().Update(SlotsCollections.WaitlistSweepMarks, mark, swept), ct);
        }
        catch (Exception e) when (e is ConcurrencyConflictException or DocumentExistsException)
        {
            // Moved by another replica's round meanwhile.
        }
    }
}
