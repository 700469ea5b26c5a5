using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

/// <param name="Membership">Only members or only reference jurisdictions; null for both.</param>
public sealed record ListCountriesCommand(int PageSize, string? PageToken, Membership? Membership);

public sealed record ListCountriesResult(IReadOnlyList<Stored<Country>> Countries, string NextPageToken);

/// <summary>The countries the consortium knows, a page at a time in country code order.</summary>
public sealed class ListCountries(IDocumentStore store)
{
    public async Task<ListCountriesResult> ExecuteAsync(ListCountriesCommand command, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(command.PageSize, command.PageToken, validator).WhereKey(CountryKeys.Membership, command.Membership?.ToString());
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(RegistryCollections.Countries, query, ct);
        return new ListCountriesResult(page.Items, Paging.NextToken(page));
    }
}
