using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Waitlist;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <summary>What a hospital asks for when it requests a run, as sent.</summary>
/// <param name="SiteId">Only runs at this site; any site when null or empty.</param>
/// <param name="NoWaitlist">When no run fits, keep the patient off the waitlist.</param>
/// <param name="EmergencyJustification">Why the patient is an emergency: required for, and only for, <see cref="UrgencyClass.Emergency"/>.</param>
/// <param name="RequestId">The client's idempotency key, when it sent one (<see cref="IdempotencyKey"/>); not the request id slots makes.</param>
public sealed record RequestRunCommand(
    string? Pseudonym,
    string? ProductId,
    string? Indication,
    UrgencyClass Urgency,
    string? TreatingInstitutionId,
    string? SiteId = null,
    DateParts? EarliestStart = null,
    DateParts? LatestStart = null,
    bool NoWaitlist = false,
    string? EmergencyJustification = null,
    string? RequestId = null);

/// <summary>What came of a request: a held booking, a waitlist entry, or (when the caller asked for no waitlist) neither.</summary>
/// <remarks>The requesting hospital treats the patient: it sees the pseudonym it sent.</remarks>
public sealed record RequestRunResult(string RequestId, Stored<Booking>? Booking, Stored<WaitlistEntry>? Entry, IReadOnlyList<RunDecision> Decisions, string Summary)
{
    public bool ShowsPseudonym => true;
}

/// <summary>
/// A hospital asks for a run for its patient: the earliest run that meets every rule is held,
/// or the patient joins the waitlist, and why is kept (ExplainAllocation). A hold commits
/// against the run's <see cref="PeriodLedger"/> and the patient's <see cref="PatientClaim"/>,
/// and is retried from its reads when it loses that race. Requests in this process queue at the
/// candidates' <see cref="LedgerGates"/> first, so they do not race each other for a ledger.
/// </summary>
public sealed class RequestRun(IDocumentStore store, TimeProvider clock, Allocator allocator, WaitlistQueue waitlist, InstitutionHolds holds,
    LotteryDraws lottery, SlotsTelemetry telemetry, IOptions<SlotsOptions> options, LedgerGates ledgerGates)
{
    public async Task<RequestRunResult> ExecuteAsync(RequestRunCommand command, Caller caller, CancellationToken ct)
    {
        var validator = new Validator()
            .Check(Booking.IsPseudonym(command.Pseudonym), "pseudonym", "must be a registry pseudonym, e.g. KZ-7Q2M-0XK1-R9TB-4HCW")
            .Slug(command.ProductId, "product_id")
            .Required(command.Indication?.Trim(), "indication")
            .MaxLength(command.Indication?.Trim(), UsageRules.MaxIndicationLength, "indication")
            .Check(Enum.IsDefined(command.Urgency) && command.Urgency != UrgencyClass.Unspecified, "urgency", "is required: emergency, urgent or standard")
            .Slug(command.TreatingInstitutionId, "treating_institution_id");
        var justification = Emergencies.CheckJustification(validator, command.Urgency, command.EmergencyJustification);
        if (!string.IsNullOrEmpty(command.SiteId))
        {
            validator.Slug(command.SiteId, "site_id");
        }
        var earliest = validator.CalendarDay(command.EarliestStart, "earliest_start", required: false);
        var latest = validator.CalendarDay(command.LatestStart, "latest_start", required: false);
        validator.Check(earliest is null || latest is null || earliest <= latest, "latest_start", "must not be before earliest_start");
        validator.ThrowIfInvalid();
        var unknownProduct = await store.FindAsync(SlotsCollections.KnownProducts, command.ProductId!, ct) is null;
        new Validator().Check(!unknownProduct, "product_id", "is not a product the registry has announced").ThrowIfInvalid();

        var (patient, treatingCountry) = await PatientOfCallerAsync(caller, command.Pseudonym!, command.TreatingInstitutionId!, ct);
        var request = new RunRequest(patient.Pseudonym, command.ProductId!, command.Indication!.Trim(), patient.TreatingInstitutionId, treatingCountry,
            patient.BirthYear, patient.BirthMonth, patient.SharedAcrossBorders);
        var requestId = Guid.CreateVersion7(clock.GetUtcNow()).ToString();
        var siteId = string.IsNullOrEmpty(command.SiteId) ? null : command.SiteId;
        var key = IdempotencyKey.Of(command.RequestId, caller, nameof(RequestRun), command);

        var result = await ConflictRetry.RunAsync(retryCt => new ValueTask<RequestRunResult>(store.OnceAsync(key, clock, ReplayAsync, async attemptCt =>
        {
            var now = clock.GetUtcNow();
            var today = ManufacturingRun.Today(now);
            // Runs are not the contended document: read first, so the ledgers they count in are known and entered before anything is decided.
            var candidates = await allocator.CandidatesAsync(request.ProductId, siteId, earliest, latest, today, attemptCt);
            using var gates = await ledgerGates.EnterAsync(candidates.Select(c => PeriodLedger.IdOf(c.Value.SiteId, c.Value.RunStart))
                .Append(LedgerGates.InstitutionGateOf(patient.TreatingInstitutionId)), attemptCt);
            var claim = await store.FindAsync(SlotsCollections.PatientClaims, patient.Pseudonym, attemptCt);
            if (claim?.Value.ActiveBookingId is { } active)
            {
                throw new RuleViolationException($"The patient already holds booking {active}; one active booking per patient.");
            }
            if (claim?.Value.OpenEntryId is { } waiting)
            {
                throw new RuleViolationException($"The patient is on the waitlist already (entry {waiting}); withdraw it to ask again.");
            }
            // The patient's draw for the product, kept from the first request: withdrawing and asking again never draws anew.
            var draw = await lottery.DrawOfAsync(patient.Pseudonym, request.ProductId, attemptCt);
            var weighed = await allocator.WeighAsync(request, candidates, today, attemptCt);
            // Patients already waiting and ranked before this request are owed a place that fits them: freed places go in the waitlist's order.
            var newcomer = new WaitlistEntry(requestId, patient.Pseudonym, treatingCountry, patient.TreatingInstitutionId, request.ProductId, command.Urgency, now, false)
            {
                Draw = draw.Draw.Draw,
                DrawPeriod = draw.Draw.Period,
            };
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
            draw.Stage(changes);
            if (chosen is not null)
            {
                // Checked only when a place would be held: joining the waitlist holds nothing.
                var standing = await holds.RequireRoomAsync(patient.TreatingInstitutionId, treatingCountry, attemptCt);
                var booking = NewHold.Of(chosen, request, caller, now, command.Urgency, requestId, waitlistEntryId: null, options.Value.HoldTime, justification);
                var summary = $"Run {chosen.Run.Id} at {chosen.Run.Value.SiteId} starting {chosen.Run.Value.RunStart:yyyy-MM-dd} is held for the patient until "
                    + $"{booking.HoldExpiresAt:yyyy-MM-dd HH:mm} UTC; confirm it before then.";
                var ledger = chosen.Ledger.Value.Take(chosen.Run.Id, treatingCountry);
                changes.Insert(SlotsCollections.Bookings, booking.BookingId, booking)
                    .Update(SlotsCollections.PeriodLedgers, chosen.Ledger, ledger)
                    .Insert(SlotsCollections.AllocationDecisions, requestId, new AllocationDecision(requestId, patient.Pseudonym, patient.TreatingInstitutionId,
                        request.ProductId, now, booking.BookingId, null, summary, decisions)
                    { Urgency = command.Urgency, SiteId = booking.SiteId, Country = treatingCountry });
                PatientClaims.Stage(changes, claim, new PatientClaim(patient.Pseudonym, booking.BookingId, null));
                InstitutionHolds.Stage(changes, standing);
                changes.Raise(SlotsEvents.BookingChanged(booking, 1, BookingChanges.Held, summary), clock)
                    .Raise(SlotsEvents.CapacityChanged(chosen.Run, ledger), clock);
                await store.CommitAsync(changes.Remember(key, requestId, clock), attemptCt);
                return new RequestRunResult(requestId, Stored.Inserted(booking.BookingId, booking), null, decisions, summary);
            }
            var none = decisions.Count == 0
                ? "No open run of the product matches the request."
                : $"None of the {decisions.Count} run(s) weighed fits; see each run's reasons.";
            if (command.NoWaitlist)
            {
                var refused = $"{none} The patient was not put on the waitlist, as asked.";
                changes.Insert(SlotsCollections.AllocationDecisions, requestId, new AllocationDecision(requestId, patient.Pseudonym, patient.TreatingInstitutionId,
                    request.ProductId, now, null, null, refused, decisions)
                { Urgency = command.Urgency, Country = treatingCountry });
                await store.CommitAsync(changes.Remember(key, requestId, clock), attemptCt);
                return new RequestRunResult(requestId, null, null, decisions, refused);
            }
            var entry = new WaitlistEntry(Guid.CreateVersion7(now).ToString(), patient.Pseudonym, treatingCountry, patient.TreatingInstitutionId,
                request.ProductId, command.Urgency, now, PriorFailedRun: false, WaitlistStatus.Waiting, null, requestId, siteId, earliest, latest, request.Indication,
                Draw: draw.Draw.Draw, DrawPeriod: draw.Draw.Period, EmergencyJustification: justification);
            var joined = $"{none} The patient joined the waitlist for {request.ProductId}; freed capacity is offered in the waitlist's order.";
            changes.Insert(SlotsCollections.Waitlist, entry.EntryId, entry)
                .Insert(SlotsCollections.AllocationDecisions, requestId, new AllocationDecision(requestId, patient.Pseudonym, patient.TreatingInstitutionId,
                    request.ProductId, now, null, entry.EntryId, joined, decisions)
                { Urgency = command.Urgency, Country = treatingCountry });
            PatientClaims.Stage(changes, claim, new PatientClaim(patient.Pseudonym, null, entry.EntryId));
            changes.Raise(SlotsEvents.WaitlistChanged(Stored.Inserted(entry.EntryId, entry), WaitlistChanges.Joined), clock);
            await store.CommitAsync(changes.Remember(key, requestId, clock), attemptCt);
            return new RequestRunResult(requestId, null, Stored.Inserted(entry.EntryId, entry), decisions, joined);
        }, retryCt)), ct);
        telemetry.Requested(command.Urgency, treatingCountry, patient.TreatingInstitutionId);
        return result;
    }

    /// <summary>The first answer to a request id: the decision kept under slots' request id, with its booking or entry as they are now.</summary>
    private async Task<RequestRunResult> ReplayAsync(string requestId, CancellationToken ct)
    {
        var decision = (await store.FindAsync(SlotsCollections.AllocationDecisions, requestId, ct))?.Value
            ?? throw new InvalidOperationException($"Request {requestId} was remembered without its allocation decision.");
        var booking = decision.BookingId is { } bookingId ? await store.FindAsync(SlotsCollections.Bookings, bookingId, ct) : null;
        var entry = decision.WaitlistEntryId is { } entryId ? await store.FindAsync(SlotsCollections.Waitlist, entryId, ct) : null;
        return new RequestRunResult(requestId, booking, entry, decision.Decisions, decision.Summary);
    }

    /// <summary>The patient, if the caller is a coordinator of its treating institution, and that institution's country.</summary>
    private async Task<(KnownPatient Patient, string TreatingCountry)> PatientOfCallerAsync(Caller caller, string pseudonym, string treatingInstitutionId, CancellationToken ct)
    {
        caller.Demand(caller.IsOfOrg(treatingInstitutionId), "A hospital books for its own institution's patients only.");
        var institution = (await store.FindAsync(SlotsCollections.KnownInstitutions, treatingInstitutionId, ct))?.Value;
        caller.Demand(institution is not null && caller.IsOfCountry(institution.CountryCode), "A hospital books for its own institution's patients only.");
        // Known from a consent change alone, the patient is not enrolled here yet: where it is treated is not known.
        var patient = (await store.FindAsync(SlotsCollections.KnownPatients, pseudonym, ct))?.Value is { IsEnrolled: true } enrolled ? enrolled
            : throw new NotFoundException($"Slots does not know patient {pseudonym} (yet): an enrolment reaches slots a moment after the registry accepts it.");
        caller.Demand(patient.TreatingInstitutionId == treatingInstitutionId, "The patient is treated at another institution.");
        if (!patient.InRegistry)
        {
            throw new RuleViolationException("The patient's registry consent is withdrawn; nothing further is booked for the patient.");
        }
        return (patient, institution!.CountryCode);
    }
}
