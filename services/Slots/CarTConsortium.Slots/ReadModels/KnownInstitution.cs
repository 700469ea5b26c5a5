using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.ReadModels;

/// <summary>What slots knows of an institution of the registry, learned from its InstitutionChanged events.</summary>
/// <param name="Kind">The registry's enum value name, e.g. INSTITUTION_KIND_MANUFACTURING_SITE.</param>
/// <param name="RegistryVersion">The registry's revision of the institution: an older copy never overwrites a newer one.</param>
/// <param name="ProductionLines">The lines the registry has for the institution; null in copies kept before slots learnt them (no bound is known then).</param>
public sealed record KnownInstitution(string InstitutionId, string CountryCode, string Kind, string? HubInstitutionId, long RegistryVersion,
    int? ProductionLines = null)
{
    public static readonly string ManufacturingSite = RegistryEnums.NameOf(InstitutionKind.ManufacturingSite);

    public bool IsManufacturingSite => Kind == ManufacturingSite;
}

/// <summary>Keeps <see cref="KnownInstitution"/> in step with the registry.</summary>
public sealed class InstitutionProjection(IDocumentStore store) : IEventHandler<InstitutionChanged>
{
    public async Task HandleAsync(InstitutionChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent.Institution is not { InstitutionId.Length: > 0 } institution)
        {
            throw new PoisonEventException("InstitutionChanged carries no institution id.");
        }
        var incoming = new KnownInstitution(institution.InstitutionId, institution.CountryCode, RegistryEnums.NameOf(institution.Kind),
            institution.HubInstitutionId is { Length: > 0 } hub ? hub : null, institution.Revision?.Version ?? 0,
            institution.Capabilities?.ProductionLines);
        await context.UpsertNewerAsync(store, SlotsCollections.KnownInstitutions, incoming.InstitutionId, incoming, i => i.RegistryVersion, ct);
    }
}
