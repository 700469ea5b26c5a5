using CarTConsortium.Approvals.Authorisations;
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
using CarTConsortium.Slots.UseCases.Waitlist;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <summary>What a hospital asks for when it requests a run, as sent.</summary>
public sealed record RunRequestInput(
    string? Pseudonym,
    string? ProductId,
    string? Indication,
    UrgencyClass Urgency,
    string? SiteId,
    DateParts? EarliestStart,
    DateParts? LatestStart,
    string? TreatingInstitutionId,
    bool NoWaitlist);

/// <summary>What came of a request: a held booking, a waitlist entry, or (when the caller asked for no waitlist) neither.</summary>
public sealed record RunRequestOutcome(string RequestId, Stored<Booking>? Booking, Stored<WaitlistEntry>? Entry, IReadOnlyList<RunDecision> Decisions, string Summary);

/// <summary>
/// The use cases of bookings, one method each: request a run, follow and advance a
/// booking, move it, and explain an allocation. Every decision that takes or frees a place
/// commits against the run's <see cref="PeriodLedger"/> and the patient's
/// <see cref="PatientClaim"/>, and is retried from its reads when it loses that race.
/// </summary>
public sealed class BookingDesk(IDocumentStore store, TimeProvider clock, Allocator allocator, WaitlistDesk waitlist, IOptions<SlotsOptions> options, PlacesFreed placesFreed)
{
    private SlotsOptions Options => options.Value;

    /// <summary>Holds the earliest run that meets every rule, or puts the patient on the waitlist, and keeps why.</summary>
    public async Task<RunRequestOutcome> RequestRunAsync(Caller caller, RunRequestInput input, CancellationToken ct)
    {
        var validator = new Validator()
            .Check(Booking.IsPseudonym(input.Pseudonym), "pseudonym", "must be a registry pseudonym, e.g. KZ-7Q2M-0XK1-R9TB-4HCW")
            .Slug(input.ProductId, "product_id")
            .Required(input.Indication?.Trim(), "indication")
            .MaxLength(input.Indication?.Trim(), UsageRules.MaxIndicationLength, "indication")
            .Check(Enum.IsDefined(input.Urgency) && input.Urgency != UrgencyClass.Unspecified, "urgency", "is required: emergency, urgent or standard")
            .Slug(input.TreatingInstitutionId, "treating_institution_id");
        if (!string.IsNullOrEmpty(input.SiteId))
        {
            validator.Slug(input.SiteId, "site_id");
        }
        var earliest = validator.CalendarDay(input.EarliestStart, "earliest_start", required: false);
        var latest = validator.CalendarDay(input.LatestStart, "latest_start", required: false);
        validator.Check(earliest is null || latest is null || earliest <= latest, "latest_start", "must not be before earliest_start");
        validator.ThrowIfInvalid();
        var unknownProduct = await store.FindAsync(SlotsCollections.KnownProducts, input.ProductId!, ct) is null;
        new Validator().Check(!unknownProduct, "product_id", "is not a product the registry has announced").ThrowIfInvalid();

        var (patient, treatingCountry) = await PatientOfCallerAsync(caller, input.Pseudonym!, input.TreatingInstitutionId!, ct);
        var request = new RunRequest(patient.Pseudonym, input.ProductId!, input.Indication!.Trim(), patient.TreatingInstitutionId, treatingCountry,
            patient.BirthYear, patient.BirthMonth, patient.SharedAcrossBorders);
        var requestId = Guid.CreateVersion7(clock.GetUtcNow()).ToString();
        var siteId = string.IsNullOrEmpty(input.SiteId) ? null : input.SiteId;

        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var now = clock.GetUtcNow();
            var today = ManufacturingRun.Today(now);
            var claim = await store.FindAsync(SlotsCollections.PatientClaims, patient.Pseudonym, attemptCt);
            if (claim?.Value.ActiveBookingId is { } active)
            {
                throw new RuleViolationException($"The patient already holds booking {active}; one active booking per patient.");
            }
            if (claim?.Value.OpenEntryId is { } waiting)
            {
                throw new RuleViolationException($"The patient is on the waitlist already (entry {waiting}); withdraw it to ask again.");
            }
            var candidates = await allocator.CandidatesAsync(request.ProductId, siteId, earliest, latest, today, attemptCt);
            var weighed = await allocator.WeighAsync(request, candidates, today, attemptCt);
            // Patients already waiting and ranked before this request are owed a place that fits them: freed places go in the waitlist's order.
            var newcomer = new WaitlistEntry(requestId, patient.Pseudonym, treatingCountry, patient.TreatingInstitutionId, request.ProductId, input.Urgency, now, false);
            var ahead = weighed.Any(w => w.Decision.Fits) ? await waitlist.AheadOfAsync(request.ProductId, newcomer, attemptCt) : [];
            WeighedRun? chosen = null;
            var decisions = new List<RunDecision>();
            foreach (var run in weighed)
            {
                var decision = run.Decision;
                if (decision.Fits && chosen is null && await waitlist.OwedToAsync(ahead, run.Run, today, attemptCt) is { } owed)
                {
                    decision = decision with
                    {
                        Fits = false,
                        Reasons = [$"its free place is owed to a patient ahead in the waitlist (entry {owed.EntryId}), who is offered it first"],
                    };
                }
                chosen ??= decision.Fits ? run : null;
                decisions.Add(decision);
            }
            var changes = new ChangeSet();
            if (chosen is not null)
            {
                var booking = Hold(chosen, request, caller, now, input.Urgency, requestId, waitlistEntryId: null, Options.HoldTime);
                var summary = $"Run {chosen.Run.Id} at {chosen.Run.Value.SiteId} starting {chosen.Run.Value.RunStart:yyyy-MM-dd} is held for the patient until "
                    + $"{booking.HoldExpiresAt:yyyy-MM-dd HH:mm} UTC; confirm it before then.";
                var ledger = chosen.Ledger.Value.Take(chosen.Run.Id, treatingCountry);
                changes.Insert(SlotsCollections.Bookings, booking.BookingId, booking)
                    .Update(SlotsCollections.PeriodLedgers, chosen.Ledger, ledger)
                    .Insert(SlotsCollections.AllocationDecisions, requestId, new AllocationDecision(requestId, patient.Pseudonym, patient.TreatingInstitutionId,
                        request.ProductId, now, booking.BookingId, null, summary, decisions));
                Claim(changes, claim, new PatientClaim(patient.Pseudonym, booking.BookingId, null));
                changes.Raise(SlotsEvents.BookingChanged(booking, 1, BookingChanges.Held, summary), clock)
                    .Raise(SlotsEvents.CapacityChanged(chosen.Run, ledger), clock);
                await store.CommitAsync(changes, attemptCt);
                return new RunRequestOutcome(requestId, Stored.Inserted(booking.BookingId, booking), null, decisions, summary);
            }
            var none = decisions.Count == 0
                ? "No open run of the product matches the request."
                : $"None of the {decisions.Count} run(s) weighed fits; see each run's reasons.";
            if (input.NoWaitlist)
            {
                var refused = $"{none} The patient was not put on the waitlist, as asked.";
                changes.Insert(SlotsCollections.AllocationDecisions, requestId, new AllocationDecision(requestId, patient.Pseudonym, patient.TreatingInstitutionId,
                    request.ProductId, now, null, null, refused, decisions));
                await store.CommitAsync(changes, attemptCt);
                return new RunRequestOutcome(requestId, null, null, decisions, refused);
            }
            var entry = new WaitlistEntry(Guid.CreateVersion7(now).ToString(), patient.Pseudonym, treatingCountry, patient.TreatingInstitutionId,
                request.ProductId, input.Urgency, now, PriorFailedRun: false, WaitlistStatus.Waiting, null, requestId, siteId, earliest, latest, request.Indication);
            var joined = $"{none} The patient joined the waitlist for {request.ProductId}; freed capacity is offered in the waitlist's order.";
            changes.Insert(SlotsCollections.Waitlist, entry.EntryId, entry)
                .Insert(SlotsCollections.AllocationDecisions, requestId, new AllocationDecision(requestId, patient.Pseudonym, patient.TreatingInstitutionId,
                    request.ProductId, now, null, entry.EntryId, joined, decisions));
            Claim(changes, claim, new PatientClaim(patient.Pseudonym, null, entry.EntryId));
            changes.Raise(SlotsEvents.WaitlistChanged(Stored.Inserted(entry.EntryId, entry), WaitlistChanges.Joined), clock);
            await store.CommitAsync(changes, attemptCt);
            return new RunRequestOutcome(requestId, null, Stored.Inserted(entry.EntryId, entry), decisions, joined);
        }, ct);
    }

    public async Task<Stored<Booking>> GetAsync(Caller caller, string? bookingId, CancellationToken ct)
    {
        var booking = await FindAsync(bookingId, ct);
        caller.Demand(BookingAccess.MayFollow(caller, booking.Value), BookingAccess.WhoMayFollow);
        return booking;
    }

    /// <summary>The caller's bookings: a hospital's own, a site's own, any for an admin; filters narrow them further.</summary>
    public async Task<(IReadOnlyList<Stored<Booking>> Bookings, string NextPageToken)> ListAsync(Caller caller, int pageSize, string? pageToken,
        string? siteId, string? treatingInstitutionId, string? capacityId, BookingStatus? status, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator);
        if (!string.IsNullOrEmpty(siteId))
        {
            validator.Slug(siteId, "site_id");
        }
        if (!string.IsNullOrEmpty(treatingInstitutionId))
        {
            validator.Slug(treatingInstitutionId, "treating_institution_id");
        }
        if (!string.IsNullOrEmpty(capacityId))
        {
            validator.Check(IsId(capacityId), "capacity_id", "must be a capacity id as PublishCapacity returned it");
        }
        validator.ThrowIfInvalid();
        if (!caller.IsConsortiumAdmin)
        {
            // Everyone else sees their own institution's bookings: the filter is theirs, whatever they asked for.
            var own = caller.Org ?? "";
            var institution = await store.FindAsync(SlotsCollections.KnownInstitutions, own, ct);
            if (institution is null)
            {
                return ([], ""); // An institution the registry has not announced has no bookings.
            }
            caller.Demand(caller.IsOfCountry(institution.Value.CountryCode), BookingAccess.WhoMayFollow);
            if (caller.HasRole(Roles.ManufacturingSite))
            {
                caller.Demand(string.IsNullOrEmpty(siteId) || siteId == own, "A manufacturing site lists its own site's bookings only.");
                siteId = own;
            }
            else
            {
                caller.Demand(string.IsNullOrEmpty(treatingInstitutionId) || treatingInstitutionId == own, "A hospital lists its own bookings only.");
                treatingInstitutionId = own;
            }
        }
        query = query.WhereKey(IndexKeys.SiteId, siteId).WhereKey(IndexKeys.TreatingInstitution, treatingInstitutionId)
            .WhereKey(IndexKeys.CapacityId, capacityId).WhereKey(IndexKeys.Status, status?.ToString());
        var page = await store.QueryAsync(SlotsCollections.Bookings, query, ct);
        return (page.Items, Paging.NextToken(page));
    }

    /// <summary>One step of the lifecycle by whoever may take it. Confirmation checks the rules again; a step that ends the booking frees what it held.</summary>
    public async Task<Stored<Booking>> AdvanceAsync(Caller caller, string? bookingId, BookingStatus? to, long expectedRevision, string? note, CancellationToken ct)
    {
        var validator = new Validator()
            .Check(IsId(bookingId), "booking_id", "must be a booking id as RequestRun returned it")
            .Check(to is not null, "to", "is required: the status the booking is to take")
            .CheckExpectedRevision(expectedRevision);
        validator.ThrowIfInvalid();
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var now = clock.GetUtcNow();
            var current = await FindAsync(bookingId, attemptCt);
            var booking = current.Value;
            caller.Demand(BookingAccess.MayFollow(caller, booking), BookingAccess.WhoMayFollow);
            booking.RefuseSettingByHand(to!.Value);
            caller.Demand(Booking.MayTake(caller, booking, to!.Value, out var why), $"Not allowed: {why}.");
            ConflictRetry.RequireRevision(SlotsCollections.Bookings, current, expectedRevision);
            var next = booking.Advance(to.Value, caller, note, now);
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
                        await FreePlaceAsync(booking, changes, attemptCt);
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
            return current with { Version = current.Version + 1, Value = next };
        }, ct);
    }

    /// <summary>A site (or an admin) moves a booking to another run of the product at the site; the hospital is told.</summary>
    public async Task<Stored<Booking>> MoveAsync(Caller caller, string? bookingId, string? toCapacityId, long expectedRevision, string? note, CancellationToken ct)
    {
        new Validator()
            .Check(IsId(bookingId), "booking_id", "must be a booking id as RequestRun returned it")
            .Check(IsId(toCapacityId), "to_capacity_id", "must be a capacity id as PublishCapacity returned it")
            .CheckExpectedRevision(expectedRevision)
            .ThrowIfInvalid();
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var now = clock.GetUtcNow();
            var today = ManufacturingRun.Today(now);
            var current = await FindAsync(bookingId, attemptCt);
            var booking = current.Value;
            caller.Demand(caller.IsConsortiumAdmin || BookingAccess.IsSiteOf(caller, booking), "Only the booking's manufacturing site or a consortium admin moves a booking.");
            ConflictRetry.RequireRevision(SlotsCollections.Bookings, current, expectedRevision);
            var target = await store.FindAsync(SlotsCollections.Runs, toCapacityId!, attemptCt)
                ?? throw new NotFoundException($"No capacity '{toCapacityId}' is published.");
            var moved = booking.MoveTo(target.Value, caller, note, now);
            var request = await RunRequestOfAsync(booking, attemptCt);
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
                await RaiseCapacityAsync(changes, booking.CapacityId, both, attemptCt);
                changes.Raise(SlotsEvents.CapacityChanged(target, both), clock);
            }
            else
            {
                var freed = source.Value.Free(booking.CapacityId, booking.PatientCountry);
                var taken = decision.Ledger.Value.Take(target.Id, booking.PatientCountry);
                changes.Update(SlotsCollections.PeriodLedgers, source, freed).Update(SlotsCollections.PeriodLedgers, decision.Ledger, taken);
                await RaiseCapacityAsync(changes, booking.CapacityId, freed, attemptCt);
                changes.Raise(SlotsEvents.CapacityChanged(target, taken), clock);
            }
            changes.Raise(SlotsEvents.BookingChanged(moved, current.Version + 1, BookingChanges.Moved, moved.Custody[^1].Note ?? "moved"), clock);
            await store.CommitAsync(changes, attemptCt);
            placesFreed.Notify();
            return current with { Version = current.Version + 1, Value = moved };
        }, ct);
    }

    /// <summary>Why a request got, or did not get, each run it was weighed against; or one run, weighed or not.</summary>
    public async Task<(AllocationDecision Decision, IReadOnlyList<RunDecision> Runs)> ExplainAsync(Caller caller, string? requestId, string? capacityId, CancellationToken ct)
    {
        var validator = new Validator().Check(IsId(requestId), "request_id", "must be a request id as RequestRun returned it");
        if (!string.IsNullOrEmpty(capacityId))
        {
            validator.Check(IsId(capacityId), "capacity_id", "must be a capacity id as PublishCapacity returned it");
        }
        validator.ThrowIfInvalid();
        var decision = (await store.FindAsync(SlotsCollections.AllocationDecisions, requestId!, ct))?.Value
            ?? throw new NotFoundException($"No request '{requestId}' was decided.");
        caller.Demand(caller.IsConsortiumAdmin || await new InstitutionAccess(store).IsCoordinatorOfAsync(caller, decision.TreatingInstitutionId, ct),
            "Only the requesting hospital's coordinators or a consortium admin see why a request was decided.");
        if (string.IsNullOrEmpty(capacityId))
        {
            return (decision, decision.Decisions);
        }
        var weighed = decision.Decisions.Where(d => d.CapacityId == capacityId).ToList();
        if (weighed.Count > 0)
        {
            return (decision, weighed);
        }
        var run = (await store.FindAsync(SlotsCollections.Runs, capacityId, ct))?.Value
            ?? throw new NotFoundException($"No capacity '{capacityId}' is published.");
        var why = run.ProductId != decision.ProductId ? $"it is a run of {run.ProductId}, and the request was for {decision.ProductId}"
            : run.PublishedAt > decision.DecidedAt ? $"it was published at {run.PublishedAt:yyyy-MM-dd HH:mm} UTC, after the request was decided"
            : run.RunStart < ManufacturingRun.Today(decision.DecidedAt) ? "it had started when the request was decided"
            : "it was closed, or outside the site or days the request asked for, when the request was decided";
        return (decision, [new RunDecision(run.CapacityId, run.SiteId, run.RunStart, false, [$"not weighed: {why}"])]);
    }

    // ---- what the steps change besides the booking ----

    private async Task ConfirmAsync(Booking booking, ChangeSet changes, DateTimeOffset now, CancellationToken ct)
    {
        var run = await store.FindAsync(SlotsCollections.Runs, booking.CapacityId, ct)
            ?? throw new InvalidOperationException($"Booking {booking.BookingId} names no published run.");
        if ((await store.FindAsync(SlotsCollections.KnownPatients, booking.Pseudonym, ct))?.Value is { InRegistry: false })
        {
            throw new RuleViolationException("The patient's registry consent is withdrawn; nothing further is booked for the patient.");
        }
        var recheck = await allocator.RecheckAsync(await RunRequestOfAsync(booking, ct), run.Value, ManufacturingRun.Today(now), ct);
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
            Claim(changes, claim, new PatientClaim(booking.Pseudonym, booking.BookingId, null));
        }
    }

    private async Task FreePlaceAsync(Booking booking, ChangeSet changes, CancellationToken ct)
    {
        var ledger = await allocator.LedgerAsync(booking.SiteId, booking.RunStart, ct);
        var freed = ledger.Value.Free(booking.CapacityId, booking.PatientCountry);
        changes.Update(SlotsCollections.PeriodLedgers, ledger, freed);
        await RaiseCapacityAsync(changes, booking.CapacityId, freed, ct);
    }

    private async Task RaiseCapacityAsync(ChangeSet changes, string capacityId, PeriodLedger ledger, CancellationToken ct)
    {
        if (await store.FindAsync(SlotsCollections.Runs, capacityId, ct) is { } run)
        {
            changes.Raise(SlotsEvents.CapacityChanged(run, ledger), clock);
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
            changes.Update(SlotsCollections.Waitlist, entry, next)
                .Raise(SlotsEvents.WaitlistChanged(entry with { Version = entry.Version + 1, Value = next }, offerDeclined ? WaitlistChanges.Closed : WaitlistChanges.Waiting), clock);
            openEntry = offerDeclined && openEntry == entryId ? null : openEntry;
        }
        Claim(changes, claim, new PatientClaim(booking.Pseudonym, claim?.Value.ActiveBookingId == booking.BookingId ? null : claim?.Value.ActiveBookingId, openEntry));
    }

    /// <summary>A failed run puts the patient first in line for a re-run: a waitlist entry marked so, with the booking's urgency.</summary>
    private async Task RequeueAfterFailureAsync(Booking booking, ChangeSet changes, DateTimeOffset now, CancellationToken ct)
    {
        var claim = await store.FindAsync(SlotsCollections.PatientClaims, booking.Pseudonym, ct);
        var requestId = Guid.CreateVersion7(now).ToString();
        var entry = new WaitlistEntry(Guid.CreateVersion7(now).ToString(), booking.Pseudonym, booking.PatientCountry, booking.TreatingInstitutionId,
            booking.ProductId, booking.Urgency, now, PriorFailedRun: true, WaitlistStatus.Waiting, null, requestId, null, null, null, booking.Indication);
        var summary = $"Manufacturing of booking {booking.BookingId} failed; the patient is first in line for a re-run of {booking.ProductId}.";
        changes.Insert(SlotsCollections.Waitlist, entry.EntryId, entry)
            .Insert(SlotsCollections.AllocationDecisions, requestId, new AllocationDecision(requestId, booking.Pseudonym, booking.TreatingInstitutionId,
                booking.ProductId, now, null, entry.EntryId, summary, []))
            .Raise(SlotsEvents.WaitlistChanged(Stored.Inserted(entry.EntryId, entry), WaitlistChanges.Joined), clock);
        Claim(changes, claim, new PatientClaim(booking.Pseudonym, null, entry.EntryId));
    }

    // ---- shared with the waitlist and housekeeping ----

    internal static Booking Hold(WeighedRun chosen, RunRequest request, Caller caller, DateTimeOffset now, UrgencyClass urgency, string requestId,
        string? waitlistEntryId, TimeSpan holdFor)
    {
        var run = chosen.Run.Value;
        return Booking.Hold(Guid.CreateVersion7(now).ToString(), run.CapacityId, run.SiteId, run.ProductId, run.RunStart, request.Pseudonym,
            request.TreatingCountry, request.TreatingInstitutionId, holdFor, caller, now, urgency, request.Indication, requestId, waitlistEntryId)
            with { SiteCountry = run.SiteCountry };
    }

    internal static void Claim(ChangeSet changes, Stored<PatientClaim>? current, PatientClaim next)
    {
        if (current is null)
        {
            changes.Insert(SlotsCollections.PatientClaims, next.Pseudonym, next);
        }
        else if (current.Value != next)
        {
            changes.Update(SlotsCollections.PatientClaims, current, next);
        }
    }

    /// <summary>The request a booking answers, as the rules need it now (consents and the patient's details from the read model).</summary>
    internal async Task<RunRequest> RunRequestOfAsync(Booking booking, CancellationToken ct)
    {
        var patient = (await store.FindAsync(SlotsCollections.KnownPatients, booking.Pseudonym, ct))?.Value;
        return new RunRequest(booking.Pseudonym, booking.ProductId, booking.Indication, booking.TreatingInstitutionId, booking.PatientCountry,
            patient?.BirthYear ?? 0, patient?.BirthMonth ?? 0, patient?.SharedAcrossBorders ?? false);
    }

    /// <summary>The patient, if the caller is a coordinator of its treating institution, and that institution's country.</summary>
    private async Task<(KnownPatient Patient, string TreatingCountry)> PatientOfCallerAsync(Caller caller, string pseudonym, string treatingInstitutionId, CancellationToken ct)
    {
        caller.Demand(caller.IsOfOrg(treatingInstitutionId), "A hospital books for its own institution's patients only.");
        var institution = (await store.FindAsync(SlotsCollections.KnownInstitutions, treatingInstitutionId, ct))?.Value;
        caller.Demand(institution is not null && caller.IsOfCountry(institution.CountryCode), "A hospital books for its own institution's patients only.");
        var patient = (await store.FindAsync(SlotsCollections.KnownPatients, pseudonym, ct))?.Value
            ?? throw new NotFoundException($"Slots does not know patient {pseudonym} (yet): an enrolment reaches slots a moment after the registry accepts it.");
        caller.Demand(patient.TreatingInstitutionId == treatingInstitutionId, "The patient is treated at another institution.");
        if (!patient.InRegistry)
        {
            throw new RuleViolationException("The patient's registry consent is withdrawn; nothing further is booked for the patient.");
        }
        return (patient, institution!.CountryCode);
    }

    private async Task<Stored<Booking>> FindAsync(string? bookingId, CancellationToken ct)
    {
        new Validator().Check(IsId(bookingId), "booking_id", "must be a booking id as RequestRun returned it").ThrowIfInvalid();
        return await store.FindAsync(SlotsCollections.Bookings, bookingId!, ct) ?? throw new NotFoundException($"No booking '{bookingId}'.");
    }

    internal static bool IsId(string? id) => Guid.TryParseExact(id, "D", out var parsed) && parsed.ToString() == id;
}
