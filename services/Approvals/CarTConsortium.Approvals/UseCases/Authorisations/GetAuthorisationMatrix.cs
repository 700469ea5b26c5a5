using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>The filters of the matrix, each optional.</summary>
/// <param name="Pathway">Null for any; a value the service does not know is INVALID_ARGUMENT.</param>
public sealed record GetAuthorisationMatrixQuery(string? ProductId = null, string? CountryCode = null, Pathway? Pathway = null);

/// <summary>The product x country matrix within the filters: rows and columns from the registry, cells from the authorisations.</summary>
public sealed class GetAuthorisationMatrix(IDocumentStore store, TimeProvider clock)
{
    /// <exception cref="InvalidArgumentException">A pathway the service does not know; a product id or country code that cannot be one.</exception>
    public async Task<AuthorisationMatrix> ExecuteAsync(GetAuthorisationMatrixQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        AuthorisationInput.CheckFilter(query.Pathway, "pathway");
        var validator = new Validator();
        if (!string.IsNullOrEmpty(query.ProductId))
        {
            validator.Slug(query.ProductId, "product_id");
        }
        validator.OptionalJurisdiction(query.CountryCode, "country_code").ThrowIfInvalid();
        var products = (await store.QueryAllAsync(ApprovalsCollections.KnownProducts, DocumentQuery.All, ct)).Select(p => p.Id)
            .Where(p => string.IsNullOrEmpty(query.ProductId) || p == query.ProductId).ToList();
        var countries = (await store.QueryAllAsync(ApprovalsCollections.KnownCountries, DocumentQuery.All, ct)).Select(c => c.Id)
            .Where(c => string.IsNullOrEmpty(query.CountryCode) || c == query.CountryCode).ToList();
        var authorisations = (await store.AllAuthorisationsAsync(DocumentQuery.All
            .WhereKey(AuthorisationKeys.ProductId, query.ProductId)
            .WhereKey(AuthorisationKeys.Jurisdiction, query.CountryCode)
            .WhereKey(AuthorisationKeys.Pathway, query.Pathway?.ToString()), ct)).Select(a => a.Value).ToList();
        // The domain decides synchronously: every reference a reliance names, loaded first.
        var references = new Dictionary<string, Authorisation>(StringComparer.Ordinal);
        foreach (var referenceId in authorisations.Select(a => a.ReferenceAuthorisationId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (await store.FindAsync(ApprovalsCollections.Authorisations, referenceId, ct) is { } reference)
            {
                references[referenceId] = reference.Value;
            }
        }
        return AuthorisationMatrix.Of(products, countries, authorisations, references.GetValueOrDefault, clock.Today());
    }
}
