using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>The filters of the matrix, each optional, and the page of product rows.</summary>
/// <param name="Pathway">Null for any; a value the service does not know is INVALID_ARGUMENT.</param>
/// <param name="PageSize">Product rows per page; 0 for the default size.</param>
public sealed record GetAuthorisationMatrixCommand(string? ProductId = null, string? CountryCode = null, Pathway? Pathway = null, int PageSize = 0,
    string? PageToken = null);

/// <summary>One page of the matrix: some product rows, every country column, and the cells of those rows.</summary>
/// <param name="NextPageToken">Empty on the last page.</param>
public sealed record AuthorisationMatrixPage(AuthorisationMatrix Matrix, string NextPageToken);

/// <summary>
/// The product x country matrix within the filters, a page of product rows at a time: rows
/// and columns from the registry, cells from the authorisations of the rows on the page.
/// </summary>
public sealed class GetAuthorisationMatrix(IDocumentStore store, TimeProvider clock)
{
    /// <exception cref="InvalidArgumentException">A pathway the service does not know; a product id or country code that cannot be one; a bad page size or token.</exception>
    public async Task<AuthorisationMatrixPage> ExecuteAsync(GetAuthorisationMatrixCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        AuthorisationInput.CheckFilter(command.Pathway, "pathway");
        var validator = new Validator();
        if (!string.IsNullOrEmpty(command.ProductId))
        {
            validator.Slug(command.ProductId, "product_id");
        }
        validator.OptionalJurisdiction(command.CountryCode, "country_code");
        var rows = Paging.Query(command.PageSize, command.PageToken, validator);
        validator.ThrowIfInvalid();
        var (products, nextToken) = await ProductRowsAsync(command.ProductId, rows, ct);
        var countries = await CountryColumnsAsync(command.CountryCode, ct);
        var authorisations = new List<Authorisation>();
        foreach (var product in products)
        {
            // Bounded by construction: an authorisation's id is its (product, jurisdiction, pathway), so a row holds at most countries x pathways.
            authorisations.AddRange((await store.QueryAllAsync(ApprovalsCollections.Authorisations, DocumentQuery.All
                .WhereKey(AuthorisationKeys.ProductId, product)
                .WhereKey(AuthorisationKeys.Jurisdiction, command.CountryCode)
                .WhereKey(AuthorisationKeys.Pathway, command.Pathway?.ToString()), ct)).Select(a => a.Value));
        }
        // The domain decides synchronously: every reference a reliance names, loaded first.
        var references = new Dictionary<string, Authorisation>(StringComparer.Ordinal);
        foreach (var referenceId in authorisations.Select(a => a.ReferenceAuthorisationId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (await store.FindAsync(ApprovalsCollections.Authorisations, referenceId, ct) is { } reference)
            {
                references[referenceId] = reference.Value;
            }
        }
        return new AuthorisationMatrixPage(AuthorisationMatrix.Of(products, countries, authorisations, references.GetValueOrDefault, clock.Today()), nextToken);
    }

    /// <summary>The page's product rows in id order: one page of the known products, or the one the filter names (when known and after the token).</summary>
    private async Task<(IReadOnlyList<string> Products, string NextToken)> ProductRowsAsync(string? productId, DocumentQuery rows, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(productId))
        {
            var page = await store.QueryAsync(ApprovalsCollections.KnownProducts, rows, ct);
            return ([.. page.Items.Select(p => p.Id)], Paging.NextToken(page));
        }
        var known = await store.FindAsync(ApprovalsCollections.KnownProducts, productId, ct) is not null;
        var pastToken = rows.AfterId is null || string.CompareOrdinal(productId, rows.AfterId) > 0;
        return (known && pastToken ? [productId] : [], "");
    }

    /// <summary>Every column in id order: the known countries, or the one the filter names (when known).</summary>
    private async Task<IReadOnlyList<string>> CountryColumnsAsync(string? countryCode, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(countryCode))
        {
            return await store.FindAsync(ApprovalsCollections.KnownCountries, countryCode, ct) is null ? [] : [countryCode];
        }
        // Bounded by construction: one document per jurisdiction code the registry admitted (a two-character code, so a few hundred at most).
        return [.. (await store.QueryAllAsync(ApprovalsCollections.KnownCountries, DocumentQuery.All, ct)).Select(c => c.Id)];
    }
}
