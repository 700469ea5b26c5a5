using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Approvals.ReadModels;

/// <summary>Keeps <see cref="KnownInstitution"/> in step with the registry's InstitutionChanged.</summary>
public sealed class InstitutionProjection(IDocumentStore store) : IEventHandler<InstitutionChanged>
{
    public async Task HandleAsync(InstitutionChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent.Institution is not { InstitutionId.Length: > 0 } institution)
        {
            throw new PoisonEventException("InstitutionChanged carries no institution id.");
        }
        var incoming = new KnownInstitution(institution.InstitutionId, institution.CountryCode, institution.Revision?.Version ?? 0);
        await context.UpsertNewerAsync(store, ApprovalsCollections.KnownInstitutions, incoming.InstitutionId, incoming, i => i.RegistryVersion, ct);
    }
}
