using System.Text.Json.Serialization;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.ReadModels;

/// <summary>
/// A registry patient as slots knows it: the pseudonym, the country of its identifier and
/// the treating institution (no clinical data reaches slots), and whether its consents still
/// let it be booked and shown. Learned from PatientEnrolled and PatientConsentChanged, in
/// either order (<see cref="PatientMerge"/>).
/// </summary>
/// <param name="CountryCode">Empty, like <paramref name="TreatingInstitutionId"/>, until the enrolment arrives.</param>
/// <param name="InRegistry">Registry consent given: a withdrawn one means nothing further is done for the patient here.</param>
/// <param name="ConsentsAsOf">When the registry raised the event these consents come from.</param>
/// <param name="BirthYear">With <paramref name="BirthMonth"/>: the age on a run's first day, for an authorisation's age range; 0 when the registry did not say.</param>
/// <param name="ConsentsRevision">The registry record's revision these consents come from; 0 when the registry sent none.</param>
public sealed record KnownPatient(string Pseudonym, string CountryCode, string TreatingInstitutionId, bool InRegistry, bool SharedAcrossBorders, DateTimeOffset ConsentsAsOf,
    int BirthYear = 0, int BirthMonth = 0, long ConsentsRevision = 0)
{
    /// <summary>Whether the enrolment has arrived; a patient known only from a consent change is not booked for.</summary>
    [JsonIgnore]
    public bool IsEnrolled => TreatingInstitutionId.Length > 0;

    [JsonIgnore]
    public ConsentStamp ConsentStamp => new(ConsentsRevision, ConsentsAsOf);
}

/// <summary>Keeps <see cref="KnownPatient"/>: each event merged into what is kept, so their order does not matter.</summary>
public sealed class PatientProjection(IDocumentStore store) : IEventHandler<PatientEnrolled>, IEventHandler<PatientConsentChanged>
{
    public async Task HandleAsync(PatientEnrolled integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent is not { Pseudonym.Length: > 0, CountryCode.Length: 2, TreatingInstitutionId.Length: > 0 })
        {
            throw new PoisonEventException("PatientEnrolled carries no pseudonym, country or treating institution.");
        }
        var current = await store.FindAsync(SlotsCollections.KnownPatients, integrationEvent.Pseudonym, ct);
        var consents = integrationEvent.Consents is { } given ? (given.Registry, given.CrossBorderSharing) : ((bool, bool)?)null;
        var merged = PatientMerge.Enrolment(current?.Value, integrationEvent.Pseudonym, integrationEvent.CountryCode, integrationEvent.TreatingInstitutionId,
            integrationEvent.BirthYear, integrationEvent.BirthMonth, consents, StampOf(integrationEvent.Revision, context));
        Stage(context, current, merged);
    }

    public async Task HandleAsync(PatientConsentChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent is not { Pseudonym.Length: > 0, Consents: not null })
        {
            throw new PoisonEventException("PatientConsentChanged carries no pseudonym or consents.");
        }
        var current = await store.FindAsync(SlotsCollections.KnownPatients, integrationEvent.Pseudonym, ct);
        var merged = PatientMerge.ConsentChange(current?.Value, integrationEvent.Pseudonym,
            (integrationEvent.Consents.Registry, integrationEvent.Consents.CrossBorderSharing), StampOf(integrationEvent.Revision, context));
        Stage(context, current, merged);
    }

    private static ConsentStamp StampOf(Contracts.Common.V1.Revision? revision, EventContext context) => new(revision?.Version ?? 0, context.Envelope.OccurredAt);

    /// <summary>Insert, or update against the version read (a concurrent write makes this a retry, not a lost update); nothing when nothing changed.</summary>
    private static void Stage(EventContext context, Stored<KnownPatient>? current, KnownPatient merged)
    {
        if (current is null)
        {
            context.Changes.Insert(SlotsCollections.KnownPatients, merged.Pseudonym, merged);
        }
        else if (current.Value != merged)
        {
            context.Changes.Update(SlotsCollections.KnownPatients, current, merged);
        }
    }
}
