using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Bookings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.UseCases.Waitlist;

/// <summary>
/// The platform's own work: offers free places to waiting patients, product by product in
/// the waitlist's order. Each entry in turn gets the earliest run that meets every rule for
/// it, held for <see cref="SlotsOptions.OfferTime"/>. The offer and the runs weighed join the
/// entry's request, so ExplainAllocation tells why.
/// </summary>
/// <remarks>
/// An entry whose institution is at its hold limit (<see cref="InstitutionLimitsOptions"/>) is passed
/// over: it keeps its place in the order and is offered a freed place once the institution is under
/// the limit again, and the place goes on to the next entry meanwhile.
/// </remarks>
public sealed class OfferFreedPlaces(IDocumentStore store, TimeProvider clock, Allocator allocator, WaitlistQueue queue, InstitutionHolds holds,
    IOptions<SlotsOptions> options, LedgerGates ledgerGates)
{
    /// <summary>Who the custody names when the platform offers a run from the waitlist.</summary>
    public static readonly Caller Platform = new("slots:waitlist", Booking.PlatformClientId, null, null, new HashSet<string>());

    /// <returns>How many offers were made.</returns>
    /// <remarks>Reads only the waiting entries that want a run with a place free (<see cref="WaitlistQueue.TurnsAsync"/>).</remarks>
    public async Task<int> ExecuteAsync(CancellationToken ct) =>
        await OfferInTurnAsync(await queue.TurnsAsync(ManufacturingRun.Today(clock.GetUtcNow()), ct), ct);

    /// <summary>Each turn in order: the entry is offered the earliest run that fits it, unless the place is owed to an entry ahead.</summary>
    /// <returns>How many offers were made.</returns>
    public async Task<int> OfferInTurnAsync(IEnumerable<WaitlistTurn> turns, CancellationToken ct)
    {
        var offers = 0;
        foreach (var turn in turns)
        {
            offers += await OfferAsync(turn.Entry.EntryId, turn.PositionAsync, turn.Ahead, turn.RoomRunIds, ct);
        }
        return offers;
    }

    private async Task<int> OfferAsync(string entryId, Func<CancellationToken, Task<int>> positionOf, IReadOnlyList<WaitlistEntry> ahead,
        IReadOnlySet<string>? roomRunIds, CancellationToken ct) => await ConflictRetry.RunAsync(async attemptCt =>
    {
        var now = clock.GetUtcNow();
        var today = ManufacturingRun.Today(now);
        var current = await store.FindAsync(SlotsCollections.Waitlist, entryId, attemptCt);
        if (current is not { Value.Status: WaitlistStatus.Waiting })
        {
            return 0;
        }
        var entry = current.Value;
        if (await queue.RequestOfAsync(entry, attemptCt) is not { } request)
        {
            return 0; // Consent withdrawn: nothing is offered; the hospital withdraws the entry.
        }
        var candidates = await allocator.CandidatesAsync(entry.ProductId, entry.SiteId, entry.EarliestStart, entry.LatestStart, today, attemptCt);
        using var gates = await ledgerGates.EnterAsync(candidates.Select(c => PeriodLedger.IdOf(c.Value.SiteId, c.Value.RunStart))
            .Append(LedgerGates.InstitutionGateOf(entry.TreatingInstitutionId)), attemptCt);
        var weighed = await allocator.WeighAsync(request, candidates, today, attemptCt);
        if (weighed.FirstOrDefault(w => w.Decision.Fits) is not { } chosen)
        {
            return 0;
        }
        // A run that gained room after the round started may be wanted by an entry left out of the line (so not in ahead):
        // the canceller notified, and the next round ranks everyone who wants it.
        if (roomRunIds is not null && !roomRunIds.Contains(chosen.Run.Id))
        {
            return 0;
        }
        // A place freed since the pass looked at an entry ahead goes to that entry, at the next pass.
        if (await queue.OwedToAsync(ahead, chosen.Run, today, attemptCt) is not null)
        {
            return 0;
        }
        var claim = await store.FindAsync(SlotsCollections.PatientClaims, entry.Pseudonym, attemptCt);
        if (claim?.Value.ActiveBookingId is not null)
        {
            return 0; // The patient holds a booking already.
        }
        var standing = await holds.ReadAsync(entry.TreatingInstitutionId, entry.PatientCountry, attemptCt);
        if (standing.RefusalOfOneMore is not null)
        {
            return 0; // Passed over while its institution is at its limit.
        }
        var booking = NewHold.Of(chosen, request, Platform, now, entry.Urgency, entry.RequestId, entry.EntryId, options.Value.OfferTime,
            entry.EmergencyJustification);
        var offered = entry with { Status = WaitlistStatus.Offered, OfferedBookingId = booking.BookingId };
        var position = await positionOf(attemptCt);
        var summary = $"Offered from the waitlist (position {position}) on {now:yyyy-MM-dd HH:mm} UTC: run {chosen.Run.Id} at {chosen.Run.Value.SiteId} "
            + $"starting {chosen.Run.Value.RunStart:yyyy-MM-dd}, held until {booking.HoldExpiresAt:yyyy-MM-dd HH:mm} UTC; confirm to accept, cancel to decline.";
        var ledger = chosen.Ledger.Value.Take(chosen.Run.Id, entry.PatientCountry);
        var changes = new ChangeSet()
            .Insert(SlotsCollections.Bookings, booking.BookingId, booking)
            .Update(SlotsCollections.PeriodLedgers, chosen.Ledger, ledger)
            .Update(SlotsCollections.Waitlist, current, offered);
        if (await store.FindAsync(SlotsCollections.AllocationDecisions, entry.RequestId, attemptCt) is { } decision)
        {
            changes.Update(SlotsCollections.AllocationDecisions, decision, decision.Value with
            {
                BookingId = booking.BookingId,
                SiteId = booking.SiteId,
                Summary = $"{decision.Value.Summary} {summary}",
                Decisions = [.. decision.Value.Decisions.Where(d => weighed.All(w => w.Run.Id != d.CapacityId)), .. weighed.Select(w => w.Decision)],
            });
        }
        PatientClaims.Stage(changes, claim, new PatientClaim(entry.Pseudonym, booking.BookingId, entry.EntryId));
        InstitutionHolds.Stage(changes, standing);
        changes.Raise(SlotsEvents.BookingChanged(booking, 1, BookingChanges.Offered, summary), clock)
            .Raise(SlotsEvents.CapacityChanged(chosen.Run, ledger), clock)
            .Raise(SlotsEvents.WaitlistChanged(current with { Version = current.Version + 1, Value = offered }, WaitlistChanges.Offered), clock);
        await store.CommitAsync(changes, attemptCt);
        return 1;
    }, ct);
}
