using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

/// <param name="CountryCode">Only this country's institutions; null or empty for all.</param>
/// <param name="Kind">Only this kind; null for all.</param>
public sealed record ListInstitutionsCommand(int PageSize, string? PageToken, string? CountryCode, InstitutionKind? Kind);

public sealed record ListInstitutionsResult(IReadOnlyList<Stored<Institution>> Institutions, string NextPageToken);

/// <summary>The registered institutions, a page at a time in id order.</summary>
public sealed class ListInstitutions(IDocumentStore store)
{
    public async Task<ListInstitutionsResult> ExecuteAsync(ListInstitutionsCommand command, CancellationToken ct)
    {
        var validator = new Validator();
        if (!string.IsNullOrEmpty(command.CountryCode))
        {
            validator.CountryCode(command.CountryCode, "country_code");
        }
        var query = Paging.Query(command.PageSize, command.PageToken, validator)
            .WhereKey(InstitutionKeys.Country, command.CountryCode)
            .WhereKey(InstitutionKeys.Kind, command.Kind?.ToString());
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(RegistryCollections.Institutions, query, ct);
        return new ListInstitutionsResult(page.Items, Paging.NextToken(page));
    }
}
