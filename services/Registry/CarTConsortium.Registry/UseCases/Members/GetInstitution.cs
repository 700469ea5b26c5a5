using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

public sealed record GetInstitutionCommand(string InstitutionId);

/// <summary>One registered institution.</summary>
public sealed class GetInstitution(IDocumentStore store)
{
    public async Task<Stored<Institution>> ExecuteAsync(GetInstitutionCommand command, CancellationToken ct)
    {
        new Validator().Slug(command.InstitutionId, "institution_id").ThrowIfInvalid();
        return await store.FindAsync(RegistryCollections.Institutions, command.InstitutionId, ct)
            ?? throw NotRegistered(command.InstitutionId);
    }

    internal static NotFoundException NotRegistered(string institutionId) => new($"No institution '{institutionId}' is registered.");
}
