using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Api;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Bookings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.UseCases.Waitlist;

/// <summary>
/// The waitlist's use cases: its order, withdrawal, and the platform's own work on it:
/// letting lapsed holds go and offering freed places to the waiting patients in order.
/// </summary>
public sealed class WaitlistDesk(IDocumentStore store, TimeProvider clock, Allocator allocator, IOptions<SlotsOptions> options)
{
    /// <summary>Who the custody names when the platform offers a run from the waitlist.</summary>
    public static readonly Caller Platform = new("slots:waitlist", Booking.PlatformClientId, null, null, new HashSet<string>());

    /// <summary>The open entries of a product's waitlist in order, each with why it stands there.</summary>
    public async Task<(IReadOnlyList<(RankedEntry Ranked, Stored<WaitlistEntry> Stored)> Entries, int Seed)> ListAsync(string? productId, CancellationToken ct)
    {
        new Validator().Slug(productId, "product_id").ThrowIfInvalid();
        var open = await OpenEntriesAsync(productId!, ct);
        var byId = open.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var ranked = WaitlistOrder.Rank(open.Select(e => e.Value), options.Value.LotterySeed);
        return ([.. ranked.Select(r => (r, byId[r.Entry.EntryId]))], options.Value.LotterySeed);
    }

    /// <summary>The hospital takes its patient off the list; an entry holding an offer is answered by confirming or cancelling the offered booking instead.</summary>
    public async Task<Stored<WaitlistEntry>> WithdrawAsync(Caller caller, string? entryId, long expectedRevision, CancellationToken ct)
    {
        new Validator()
            .Check(BookingDesk.IsId(entryId), "entry_id", "must be a waitlist entry id as RequestRun returned it")
            .CheckExpectedRevision(expectedRevision)
            .ThrowIfInvalid();
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var current = await store.FindAsync(SlotsCollections.Waitlist, entryId!, attemptCt) ?? throw new NotFoundException($"No waitlist entry '{entryId}'.");
            var entry = current.Value;
            caller.Demand(caller.IsConsortiumAdmin || await new InstitutionAccess(store).IsCoordinatorOfAsync(caller, entry.TreatingInstitutionId, attemptCt),
                "Only the treating hospital's coordinators or a consortium admin take a patient off the waitlist.");
            ConflictRetry.RequireRevision(SlotsCollections.Waitlist, current, expectedRevision);
            if (entry.Status != WaitlistStatus.Waiting)
            {
                throw new RuleViolationException(entry.Status == WaitlistStatus.Offered
                    ? $"Entry {entry.EntryId} holds an offer (booking {entry.OfferedBookingId}): confirm or cancel that booking."
                    : $"Entry {entry.EntryId} is {entry.Status.ToString().ToLowerInvariant()} already.");
            }
            var closed = entry with { Status = WaitlistStatus.Closed, ClosedReason = $"withdrawn by {(caller.IsConsortiumAdmin ? "a consortium admin" : "the hospital")}" };
            var changes = new ChangeSet().Update(SlotsCollections.Waitlist, current, closed);
            var claim = await store.FindAsync(SlotsCollections.PatientClaims, entry.Pseudonym, attemptCt);
            BookingDesk.Claim(changes, claim, new PatientClaim(entry.Pseudonym, claim?.Value.ActiveBookingId, null));
            var stored = current with { Version = current.Version + 1, Value = closed };
            changes.Raise(SlotsEvents.WaitlistChanged(stored, WaitlistChanges.Withdrawn), clock);
            await store.CommitAsync(changes, attemptCt);
            return stored;
        }, ct);
    }

    /// <summary>Lets every hold whose time is up lapse, freeing its place (and closing the offer it was).</summary>
    /// <returns>How many holds lapsed.</returns>
    public async Task<int> LapseDueHoldsAsync(CancellationToken ct)
    {
        var held = await store.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.Status, nameof(BookingStatus.Held)), ct);
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
                var ledger = await allocator.LedgerAsync(expired.SiteId, expired.RunStart, attemptCt);
                var freed = ledger.Value.Free(expired.CapacityId, expired.PatientCountry);
                changes.Update(SlotsCollections.PeriodLedgers, ledger, freed);
                if (await store.FindAsync(SlotsCollections.Runs, expired.CapacityId, attemptCt) is { } run)
                {
                    changes.Raise(SlotsEvents.CapacityChanged(run, freed), clock);
                }
                var claim = await store.FindAsync(SlotsCollections.PatientClaims, expired.Pseudonym, attemptCt);
                var openEntry = claim?.Value.OpenEntryId;
                if (expired.WaitlistEntryId is { } entryId && await store.FindAsync(SlotsCollections.Waitlist, entryId, attemptCt) is { Value.Status: WaitlistStatus.Offered } entry)
                {
                    var closed = entry.Value with { Status = WaitlistStatus.Closed, ClosedReason = "the offer lapsed unanswered" };
                    changes.Update(SlotsCollections.Waitlist, entry, closed)
                        .Raise(SlotsEvents.WaitlistChanged(entry with { Version = entry.Version + 1, Value = closed }, WaitlistChanges.Closed), clock);
                    openEntry = openEntry == entryId ? null : openEntry;
                }
                BookingDesk.Claim(changes, claim, new PatientClaim(expired.Pseudonym, claim?.Value.ActiveBookingId == expired.BookingId ? null : claim?.Value.ActiveBookingId, openEntry));
                changes.Raise(SlotsEvents.BookingChanged(expired, current.Version + 1, BookingChanges.Expired, $"The hold on run {expired.CapacityId} lapsed at {expired.HoldExpiresAt:yyyy-MM-dd HH:mm} UTC unconfirmed."), clock);
                await store.CommitAsync(changes, attemptCt);
                return 1;
            }, ct);
        }
        return lapsed;
    }

    /// <summary>
    /// Offers free places to waiting patients, product by product in the waitlist's order:
    /// each entry in turn gets the earliest run that meets every rule for it, held for
    /// <see cref="SlotsOptions.OfferTime"/>. The offer and the runs weighed join the entry's
    /// request, so ExplainAllocation tells why.
    /// </summary>
    /// <returns>How many offers were made.</returns>
    public async Task<int> OfferFreedPlacesAsync(CancellationToken ct)
    {
        var waiting = await store.QueryAllAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey(IndexKeys.Status, nameof(WaitlistStatus.Waiting)), ct);
        var offers = 0;
        foreach (var product in waiting.GroupBy(e => e.Value.ProductId, StringComparer.Ordinal))
        {
            var ranked = WaitlistOrder.Rank(product.Select(e => e.Value), options.Value.LotterySeed);
            foreach (var (rankedEntry, position) in ranked.Select((r, i) => (r, i + 1)))
            {
                offers += await OfferAsync(rankedEntry.Entry.EntryId, position, [.. ranked.Take(position - 1).Select(r => r.Entry)], ct);
            }
        }
        return offers;
    }

    private async Task<int> OfferAsync(string entryId, int position, IReadOnlyList<WaitlistEntry> ahead, CancellationToken ct) => await ConflictRetry.RunAsync(async attemptCt =>
    {
        var now = clock.GetUtcNow();
        var today = ManufacturingRun.Today(now);
        var current = await store.FindAsync(SlotsCollections.Waitlist, entryId, attemptCt);
        if (current is not { Value.Status: WaitlistStatus.Waiting })
        {
            return 0;
        }
        var entry = current.Value;
        if (await RequestOfAsync(entry, attemptCt) is not { } request)
        {
            return 0; // Consent withdrawn: nothing is offered; the hospital withdraws the entry.
        }
        var candidates = await allocator.CandidatesAsync(entry.ProductId, entry.SiteId, entry.EarliestStart, entry.LatestStart, today, attemptCt);
        var weighed = await allocator.WeighAsync(request, candidates, today, attemptCt);
        if (weighed.FirstOrDefault(w => w.Decision.Fits) is not { } chosen)
        {
            return 0;
        }
        // A place freed since the pass looked at an entry ahead goes to that entry, at the next pass.
        if (await OwedToAsync(ahead, chosen.Run, today, attemptCt) is not null)
        {
            return 0;
        }
        var claim = await store.FindAsync(SlotsCollections.PatientClaims, entry.Pseudonym, attemptCt);
        if (claim?.Value.ActiveBookingId is not null)
        {
            return 0; // The patient holds a booking already.
        }
        var booking = BookingDesk.Hold(chosen, request, Platform, now, entry.Urgency, entry.RequestId, entry.EntryId, options.Value.OfferTime);
        var offered = entry with { Status = WaitlistStatus.Offered, OfferedBookingId = booking.BookingId };
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
                Summary = $"{decision.Value.Summary} {summary}",
                Decisions = [.. decision.Value.Decisions.Where(d => weighed.All(w => w.Run.Id != d.CapacityId)), .. weighed.Select(w => w.Decision)],
            });
        }
        BookingDesk.Claim(changes, claim, new PatientClaim(entry.Pseudonym, booking.BookingId, entry.EntryId));
        changes.Raise(SlotsEvents.BookingChanged(booking, 1, BookingChanges.Offered, summary), clock)
            .Raise(SlotsEvents.CapacityChanged(chosen.Run, ledger), clock)
            .Raise(SlotsEvents.WaitlistChanged(current with { Version = current.Version + 1, Value = offered }, WaitlistChanges.Offered), clock);
        await store.CommitAsync(changes, attemptCt);
        return 1;
    }, ct);

    /// <summary>
    /// The first of <paramref name="ahead"/> (entries ranked before whoever asks) still waiting
    /// that <paramref name="run"/> fits now: the place is owed to it, in the waitlist's order.
    /// </summary>
    public async Task<WaitlistEntry?> OwedToAsync(IEnumerable<WaitlistEntry> ahead, Stored<ManufacturingRun> run, DateOnly today, CancellationToken ct)
    {
        foreach (var earlier in ahead)
        {
            var still = await store.FindAsync(SlotsCollections.Waitlist, earlier.EntryId, ct);
            if (still is not { Value.Status: WaitlistStatus.Waiting } || !still.Value.Wants(run.Value.SiteId, run.Value.RunStart))
            {
                continue;
            }
            if (await RequestOfAsync(still.Value, ct) is { } request
                && (await allocator.WeighAsync(request, [run], today, ct)).Single().Decision.Fits)
            {
                return still.Value;
            }
        }
        return null;
    }

    /// <summary>The entries of a product's waitlist that rank before a new request for it, in order.</summary>
    public async Task<IReadOnlyList<WaitlistEntry>> AheadOfAsync(string productId, WaitlistEntry newcomer, CancellationToken ct)
    {
        var waiting = await store.QueryAllAsync(SlotsCollections.Waitlist,
            DocumentQuery.All.WhereKey(IndexKeys.ProductId, productId).WhereKey(IndexKeys.Status, nameof(WaitlistStatus.Waiting)), ct);
        if (waiting.Count == 0)
        {
            return [];
        }
        return [.. WaitlistOrder.Rank(waiting.Select(w => w.Value).Append(newcomer), options.Value.LotterySeed)
            .TakeWhile(r => r.Entry.EntryId != newcomer.EntryId).Select(r => r.Entry)];
    }

    /// <summary>The request an entry stands for, with the patient as the registry last said; null once registry consent is withdrawn.</summary>
    private async Task<RunRequest?> RequestOfAsync(WaitlistEntry entry, CancellationToken ct) =>
        (await store.FindAsync(SlotsCollections.KnownPatients, entry.Pseudonym, ct))?.Value is { InRegistry: true } patient
            ? new RunRequest(entry.Pseudonym, entry.ProductId, entry.Indication, entry.TreatingInstitutionId, entry.PatientCountry,
                patient.BirthYear, patient.BirthMonth, patient.SharedAcrossBorders)
            : null;

    private async Task<List<Stored<WaitlistEntry>>> OpenEntriesAsync(string productId, CancellationToken ct)
    {
        var entries = new List<Stored<WaitlistEntry>>();
        foreach (var status in new[] { WaitlistStatus.Waiting, WaitlistStatus.Offered })
        {
            entries.AddRange(await store.QueryAllAsync(SlotsCollections.Waitlist,
                DocumentQuery.All.WhereKey(IndexKeys.ProductId, productId).WhereKey(IndexKeys.Status, status.ToString()), ct));
        }
        return entries;
    }
}
