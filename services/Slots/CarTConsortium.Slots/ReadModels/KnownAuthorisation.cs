using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.Storage;
using Contract = CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Slots.ReadModels;

/// <summary>
/// An authorisation as slots keeps it, from approvals' AuthorisationChanged (which carries
/// the whole authorisation): the terms approvals' own usage rules read, so a booking is
/// checked without calling approvals.
/// </summary>
public sealed record KnownAuthorisation(AuthorisationTerms Terms, long ApprovalsVersion);

/// <summary>
/// Keeps <see cref="KnownAuthorisation"/> in step with approvals, and reacts: when an
/// authorisation stops allowing use (suspended, withdrawn, expired), every booking it may
/// have carried that is not manufactured yet is flagged and its hospital told
/// (BookingChanged); when one starts allowing use, the waitlist is offered places again.
/// </summary>
public sealed class AuthorisationProjection(IDocumentStore store, TimeProvider clock, PlacesFreed placesFreed) : IEventHandler<Contract.AuthorisationChanged>
{
    public const string FlagKind = "authorisation-lapsed";

    public async Task HandleAsync(Contract.AuthorisationChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent.Authorisation is not { AuthorisationId.Length: > 0, ProductId.Length: > 0, Jurisdiction.Length: > 0 } a)
        {
            throw new PoisonEventException("AuthorisationChanged carries no authorisation id, product or jurisdiction.");
        }
        AuthorisationTerms terms;
        try
        {
            terms = AuthorisationContract.FromContract(a);
        }
        catch (FormatException e)
        {
            throw new PoisonEventException($"AuthorisationChanged carries an authorisation slots cannot read: {e.Message}");
        }
        var incoming = new KnownAuthorisation(terms, a.Revision?.Version ?? 0);
        var current = await store.FindAsync(SlotsCollections.KnownAuthorisations, terms.AuthorisationId, ct);
        if (current is not null && current.Value.ApprovalsVersion >= incoming.ApprovalsVersion)
        {
            return; // An older or repeated copy.
        }
        await context.UpsertNewerAsync(store, SlotsCollections.KnownAuthorisations, terms.AuthorisationId, incoming, k => k.ApprovalsVersion, ct);
        var wasAllowing = current is not null && AllowsUse(current.Value.Terms);
        if (wasAllowing && terms.Status is AuthorisationStatus.Suspended or AuthorisationStatus.Withdrawn or AuthorisationStatus.Expired)
        {
            await FlagBookingsAsync(terms, context, ct);
        }
        if (AllowsUse(terms))
        {
            // Committed a moment later with the inbox mark; the job re-reads, so an early wake-up only finds nothing new.
            placesFreed.Notify();
        }
    }

    private async Task FlagBookingsAsync(AuthorisationTerms terms, EventContext context, CancellationToken ct)
    {
        var others = await store.QueryAllAsync(SlotsCollections.KnownAuthorisations,
            DocumentQuery.All.WhereKey(IndexKeys.ProductId, terms.ProductId).WhereKey(IndexKeys.Jurisdiction, terms.Jurisdiction), ct);
        var remaining = others.Where(o => o.Id != terms.AuthorisationId).Select(o => o.Value.Terms).ToList();
        // A reliance's reference is usually another jurisdiction's (the EMA's, the FDA's): read it, and the changing one as it is now.
        var references = new Dictionary<string, AuthorisationTerms?>(StringComparer.Ordinal) { [terms.AuthorisationId] = terms };
        foreach (var id in remaining.Select(r => r.ReferenceAuthorisationId).OfType<string>().Where(id => !references.ContainsKey(id)))
        {
            references[id] = (await store.FindAsync(SlotsCollections.KnownAuthorisations, id, ct))?.Value.Terms;
        }
        // The bookings holding a place only: the product's history in the country is not read.
        var affected = await store.QueryAllAsync(SlotsCollections.Bookings,
            DocumentQuery.All.WhereKey(IndexKeys.ActiveProductCountry, SlotsCollections.ProductCountryOf(terms.ProductId, terms.Jurisdiction)), ct);
        var status = terms.Status.ToString().ToLowerInvariant();
        var detail = $"Authorisation {terms.AuthorisationId} of {terms.ProductId} in {terms.Jurisdiction} is {status}; a held booking cannot be confirmed "
            + "while no authorisation allows the use, and the hospital should review a confirmed one with the site.";
        foreach (var booking in affected.Where(b => b.Value.IsActive && !b.Value.IsManufactured))
        {
            var patient = (await store.FindAsync(SlotsCollections.KnownPatients, booking.Value.Pseudonym, ct))?.Value;
            if (patient is not null && RunRules.AgeOn(patient.BirthYear, patient.BirthMonth, booking.Value.RunStart) is { } age)
            {
                // Another authorisation that allows this booking's use carries it: no flag.
                var question = new UsageQuestion(terms.ProductId, terms.Jurisdiction, age, booking.Value.Indication, booking.Value.TreatingInstitutionId, booking.Value.RunStart);
                if (UsageRules.Verdicts(remaining, question, id => references.GetValueOrDefault(id)).Any(v => v.Reasons.Count == 0))
                {
                    continue;
                }
            }
            var flagged = booking.Value.Flag(FlagKind, detail, clock.GetUtcNow());
            context.Changes.Update(SlotsCollections.Bookings, booking, flagged)
                .Raise(SlotsEvents.BookingChanged(flagged, booking.Version + 1, BookingChanges.Flagged, detail), clock);
        }
    }

    private static bool AllowsUse(AuthorisationTerms terms) => AuthorisationStanding.IsApproval(terms.Status) && AuthorisationStanding.AllowsUse(terms.Pathway);
}
