using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Bookings;

namespace CarTConsortium.Slots.UseCases.Waitlist;

public sealed record WithdrawFromWaitlistCommand(string? EntryId, long ExpectedRevision);

/// <summary>The hospital (or an admin) takes its patient off the list; an entry holding an offer is answered by confirming or cancelling the offered booking instead.</summary>
public sealed class WithdrawFromWaitlist(IDocumentStore store, TimeProvider clock, InstitutionAccess institutions)
{
    public async Task<WaitlistEntryView> ExecuteAsync(WithdrawFromWaitlistCommand command, Caller caller, CancellationToken ct)
    {
        var entryId = command.EntryId;
        new Validator()
            .Check(Ids.IsId(entryId), "entry_id", "must be a waitlist entry id as RequestRun returned it")
            .CheckExpectedRevision(command.ExpectedRevision)
            .ThrowIfInvalid();
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var current = await store.FindAsync(SlotsCollections.Waitlist, entryId!, attemptCt) ?? throw new NotFoundException($"No waitlist entry '{entryId}'.");
            var entry = current.Value;
            caller.Demand(caller.IsConsortiumAdmin || await institutions.IsCoordinatorOfAsync(caller, entry.TreatingInstitutionId, attemptCt),
                "Only the treating hospital's coordinators or a consortium admin take a patient off the waitlist.");
            ExpectedRevision.Require(SlotsCollections.Waitlist, current, command.ExpectedRevision);
            if (entry.Status != WaitlistStatus.Waiting)
            {
                throw new RuleViolationException(entry.Status == WaitlistStatus.Offered
                    ? $"Entry {entry.EntryId} holds an offer (booking {entry.OfferedBookingId}): confirm or cancel that booking."
                    : $"Entry {entry.EntryId} is {entry.Status.ToString().ToLowerInvariant()} already.");
            }
            var closed = entry with { Status = WaitlistStatus.Closed, ClosedReason = $"withdrawn by {(caller.IsConsortiumAdmin ? "a consortium admin" : "the hospital")}" };
            var changes = new ChangeSet().Update(SlotsCollections.Waitlist, current, closed);
            var claim = await store.FindAsync(SlotsCollections.PatientClaims, entry.Pseudonym, attemptCt);
            PatientClaims.Stage(changes, claim, new PatientClaim(entry.Pseudonym, claim?.Value.ActiveBookingId, null));
            var stored = current with { Version = current.Version + 1, Value = closed };
            changes.Raise(SlotsEvents.WaitlistChanged(stored, WaitlistChanges.Withdrawn), clock);
            await store.CommitAsync(changes, attemptCt);
            return WaitlistEntryView.For(caller, stored);
        }, ct);
    }
}
