using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>The filters of the matrix, each optional.</summary>
/// <param name="Pathway">Null for any; a value the service does not know is INVALID_ARGUMENT.</param>
public sealed record GetAuthorisationMatrixCommand(string? ProductId = null, string? CountryCode = null, Pathway? Pathway = null);

/// <summary>The product x country matrix within the filters: rows and columns from the registry, cells from the authorisations.</summary>
public sealed class GetAuthorisationMatrix(IDocumentStore store, TimeProvider clock)
{
    /// <exception cref="InvalidArgumentException">A pathway the service does not know; a product id or country code that cannot be one.</exception>
    public async Task<AuthorisationMatrix> ExecuteAsync(GetAuthorisationMatrixCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        AuthorisationInput.CheckFilter(command.Pathway, "pathway");
        var validator = new Validator();
        if (!string.IsNullOrEmpty(command.ProductId))
        {
            validator.Slug(command.ProductId, "product_id");
        }
        validator.OptionalJurisdiction(command.CountryCode, "country_code").ThrowIfInvalid();
        var products = (await store.QueryAllAsync(ApprovalsCollections.KnownProducts, DocumentQuery.All, ct)).Select(p => p.Id)
            .Where(p => string.IsNullOrEmpty(command.ProductId) || p == command.ProductId).ToList();
        var countries = (await store.QueryAllAsync(ApprovalsCollections.KnownCountries, DocumentQuery.All, ct)).Select(c => c.Id)
            .Where(c => string.IsNullOrEmpty(command.CountryCode) || c == command.CountryCode).ToList();
        var authorisations = (await store.AllAuthorisationsAsync(DocumentQuery.All
            .WhereKey(AuthorisationKeys.ProductId, command.ProductId)
            .WhereKey(AuthorisationKeys.Jurisdiction, command.CountryCode)
            .WhereKey(AuthorisationKeys.Pathway, command.Pathway?.ToString()), ct)).Select(a => a.Value).ToList();
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
