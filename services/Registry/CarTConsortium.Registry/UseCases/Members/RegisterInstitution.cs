using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

/// <param name="Kind">Null when the request leaves it unspecified.</param>
/// <param name="HubInstitutionId">The treatment centre this one refers patients to; null or empty for a hub.</param>
public sealed record RegisterInstitutionCommand(
    string InstitutionId,
    string Name,
    string CountryCode,
    InstitutionKind? Kind,
    Institution.AccreditationInput? Accreditation,
    Capabilities? Capabilities,
    string? HubInstitutionId);

/// <summary>Registers an institution of a member country, and tells the other services (InstitutionChanged).</summary>
public sealed class RegisterInstitution(IDocumentStore store, TimeProvider clock)
{
    public async Task<Stored<Institution>> ExecuteAsync(RegisterInstitutionCommand command, CancellationToken ct)
    {
        var institution = Institution.Register(command.InstitutionId, command.Name, command.CountryCode, command.Kind,
            command.Accreditation, command.Capabilities, command.HubInstitutionId, clock.GetUtcNow());
        await store.RequireMemberAsync(institution.CountryCode, ct);
        await store.RequireValidHubAsync(institution, clock.UtcToday(), ct);
        var stored = Stored.Inserted(institution.InstitutionId, institution);
        await store.CommitAsync(new ChangeSet()
            .Insert(RegistryCollections.Institutions, institution.InstitutionId, institution)
            .Raise(MemberEvents.InstitutionChanged(stored), clock), ct);
        return stored;
    }
}
