using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.ReadModels;

/// <summary>Keeps <see cref="KnownInstitution"/> in step with the registry's InstitutionChanged.</summary>
public sealed class InstitutionProjection(IDocumentStore store) : IEventHandler<InstitutionChanged>
{
    public async Task HandleAsync(InstitutionChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent.Institution is not { InstitutionId.Length: > 0, CountryCode.Length: 2 } institution)
        {
            throw new PoisonEventException("InstitutionChanged carries no institution id or country.");
        }
        var incoming = new KnownInstitution(institution.InstitutionId, institution.CountryCode, institution.Name, institution.Revision?.Version ?? 0);
        await context.UpsertNewerAsync(store, ProcurementCollections.KnownInstitutions, incoming.InstitutionId, incoming, i => i.RegistryVersion, ct);
    }
}
