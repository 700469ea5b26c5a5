using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.ReadModels;

/// <summary>
/// A registry patient as slots knows it: the pseudonym, the country of its identifier and
/// the treating institution (no clinical data reaches slots), and whether its consents still
/// let it be booked and shown. Learned from PatientEnrolled and PatientConsentChanged.
/// </summary>
/// <param name="InRegistry">Registry consent given: a withdrawn one means nothing further is done for the patient here.</param>
/// <param name="ConsentsAsOf">When the registry raised the event these consents come from: an older event never overwrites a newer one.</param>
/// <param name="BirthYear">With <paramref name="BirthMonth"/>: the age on a run's first day, for an authorisation's age range; 0 when the registry did not say.</param>
public sealed record KnownPatient(string Pseudonym, string CountryCode, string TreatingInstitutionId, bool InRegistry, bool SharedAcrossBorders, DateTimeOffset ConsentsAsOf,
    int BirthYear = 0, int BirthMonth = 0);

public sealed class PatientProjection(IDocumentStore store) : IEventHandler<PatientEnrolled>, IEventHandler<PatientConsentChanged>
{
    public async Task HandleAsync(PatientEnrolled integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent is not { Pseudonym.Length: > 0, CountryCode.Length: 2, TreatingInstitutionId.Length: > 0 })
        {
            throw new PoisonEventException("PatientEnrolled carries no pseudonym, country or treating institution.");
        }
        // Enrolment needs registry consent. An older registry sent no consents: cross-border sharing then waits for PatientConsentChanged.
        var consents = integrationEvent.Consents;
        var incoming = new KnownPatient(integrationEvent.Pseudonym, integrationEvent.CountryCode, integrationEvent.TreatingInstitutionId, true,
            consents is { Registry: true, CrossBorderSharing: true }, consents is null ? DateTimeOffset.MinValue : context.Envelope.OccurredAt,
            integrationEvent.BirthYear, integrationEvent.BirthMonth);
        if (await store.FindAsync(SlotsCollections.KnownPatients, incoming.Pseudonym, ct) is null)
        {
            context.Changes.Insert(SlotsCollections.KnownPatients, incoming.Pseudonym, incoming);
        }
    }

    public async Task HandleAsync(PatientConsentChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent is not { Pseudonym.Length: > 0, Consents: not null })
        {
            throw new PoisonEventException("PatientConsentChanged carries no pseudonym or consents.");
        }
        var current = await store.FindAsync(SlotsCollections.KnownPatients, integrationEvent.Pseudonym, ct);
        if (current is null)
        {
            // The enrolment has not arrived yet (topics are not ordered with each other): try again later.
            throw new InvalidOperationException($"Consents for {integrationEvent.Pseudonym} arrived before its enrolment.");
        }
        var asOf = context.Envelope.OccurredAt;
        if (asOf > current.Value.ConsentsAsOf)
        {
            var consents = integrationEvent.Consents;
            context.Changes.Update(SlotsCollections.KnownPatients, current, current.Value with
            {
                InRegistry = consents.Registry,
                SharedAcrossBorders = consents.Registry && consents.CrossBorderSharing,
                ConsentsAsOf = asOf,
            });
        }
    }
}
