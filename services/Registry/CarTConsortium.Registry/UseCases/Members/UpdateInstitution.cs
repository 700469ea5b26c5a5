using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

/// <param name="ExpectedRevision">The revision the caller read; a stale one is ABORTED.</param>
public sealed record UpdateInstitutionCommand(
    string InstitutionId,
    string Name,
    Institution.AccreditationInput? Accreditation,
    Capabilities? Capabilities,
    string? HubInstitutionId,
    long ExpectedRevision);

/// <summary>An institution's new details (its id, country and kind never change), told to the other services (InstitutionChanged).</summary>
public sealed class UpdateInstitution(IDocumentStore store, TimeProvider clock)
{
    public async Task<Stored<Institution>> ExecuteAsync(UpdateInstitutionCommand command, CancellationToken ct)
    {
        var validator = new Validator().Slug(command.InstitutionId, "institution_id");
        validator.CheckExpectedRevision(command.ExpectedRevision);
        validator.ThrowIfInvalid();
        var current = await store.FindAsync(RegistryCollections.Institutions, command.InstitutionId, ct)
            ?? throw GetInstitution.NotRegistered(command.InstitutionId);
        ExpectedRevision.Require(RegistryCollections.Institutions, current, command.ExpectedRevision);
        var updated = current.Value.Update(command.Name, command.Accreditation, command.Capabilities, command.HubInstitutionId);
        await store.RequireValidHubAsync(updated, clock.UtcToday(), ct);
        var stored = current with { Version = current.Version + 1, Value = updated };
        await store.CommitAsync(new ChangeSet()
            .Update(RegistryCollections.Institutions, current, updated)
            .Raise(MemberEvents.InstitutionChanged(stored), clock), ct);
        return stored;
    }
}
