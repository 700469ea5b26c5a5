using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

/// <param name="CountryCode">Only agreements this country is party to; null or empty for all.</param>
public sealed record ListAgreementsCommand(int PageSize, string? PageToken, string? CountryCode);

public sealed record ListAgreementsResult(IReadOnlyList<Stored<Agreement>> Agreements, string NextPageToken);

/// <summary>The agreements between member countries, a page at a time in id order.</summary>
public sealed class ListAgreements(IDocumentStore store)
{
    public async Task<ListAgreementsResult> ExecuteAsync(ListAgreementsCommand command, CancellationToken ct)
    {
        var countryCode = command.CountryCode;
        var validator = new Validator();
        var query = Paging.Query(command.PageSize, command.PageToken, validator);
        if (!string.IsNullOrEmpty(countryCode))
        {
            validator.CountryCode(countryCode, "country_code");
        }
        validator.ThrowIfInvalid();
        if (string.IsNullOrEmpty(countryCode))
        {
            var all = await store.QueryAsync(RegistryCollections.Agreements, query, ct);
            return new ListAgreementsResult(all.Items, Paging.NextToken(all));
        }
        // A country is either side of a pair: merge the two key queries in id order, which keeps keyset paging exact.
        var first = await store.QueryAsync(RegistryCollections.Agreements, query.WhereKey(AgreementKeys.FirstCountry, countryCode), ct);
        var second = await store.QueryAsync(RegistryCollections.Agreements, query.WhereKey(AgreementKeys.SecondCountry, countryCode), ct);
        var merged = first.Items.Concat(second.Items).OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        var more = first.NextAfterId is not null || second.NextAfterId is not null || merged.Count > query.Limit;
        var items = merged.Take(query.Limit).ToList();
        return new ListAgreementsResult(items, Paging.NextToken(new Page<Agreement>(items, more && items.Count > 0 ? items[^1].Id : null)));
    }
}
