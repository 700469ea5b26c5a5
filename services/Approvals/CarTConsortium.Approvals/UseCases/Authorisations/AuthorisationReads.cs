using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>Reads that several authorisation use cases share.</summary>
internal static class AuthorisationReads
{
    /// <summary>A product id that no ProductRegistered has brought here.</summary>
    public const string UnknownProduct = "is not a product the registry has announced";

    /// <summary>A country code that no CountryAdmitted has brought here.</summary>
    public const string UnknownCountry = "is not a country the registry knows";

    /// <exception cref="InvalidArgumentException">No id, or one longer than any authorisation's.</exception>
    /// <exception cref="NotFoundException">No such authorisation is tracked.</exception>
    public static async Task<Stored<Authorisation>> GetAuthorisationAsync(this IDocumentStore store, string authorisationId, CancellationToken ct)
    {
        new Validator().Required(authorisationId, "authorisation_id").MaxLength(authorisationId, 200, "authorisation_id").ThrowIfInvalid();
        return await store.FindAsync(ApprovalsCollections.Authorisations, authorisationId, ct)
            ?? throw new NotFoundException($"No authorisation '{authorisationId}' is tracked.");
    }

    /// <summary>
    /// Every authorisation of a product in a jurisdiction. Bounded by construction: the id is the
    /// (product, jurisdiction, pathway) triple, so there is at most one per pathway and one page holds them all.
    /// </summary>
    public static async Task<IReadOnlyList<Stored<Authorisation>>> AuthorisationsOfAsync(this IDocumentStore store, string productId, string jurisdiction,
        CancellationToken ct) =>
        (await store.QueryAsync(ApprovalsCollections.Authorisations, new DocumentQuery { Limit = DocumentQuery.MaxLimit }
            .WhereKey(AuthorisationKeys.ProductId, productId).WhereKey(AuthorisationKeys.Jurisdiction, jurisdiction), ct)).Items;

    /// <summary>For the expiry job, not a request path: every authorisation within the filters.</summary>
    public static Task<List<Stored<Authorisation>>> AllAuthorisationsAsync(this IDocumentStore store, DocumentQuery query, CancellationToken ct) =>
        store.QueryAllAsync(ApprovalsCollections.Authorisations, query, ct);

    /// <summary>
    /// Product, jurisdiction, institutions and reference must be ones the registry (or approvals
    /// itself) knows: INVALID_ARGUMENT naming the field.
    /// </summary>
    public static async Task CheckKnownAsync(this IDocumentStore store, Authorisation authorisation, CancellationToken ct)
    {
        var validator = new Validator()
            .Check(await store.FindAsync(ApprovalsCollections.KnownProducts, authorisation.ProductId, ct) is not null, "product_id", UnknownProduct)
            .Check(await store.FindAsync(ApprovalsCollections.KnownCountries, authorisation.Jurisdiction, ct) is not null, "jurisdiction", UnknownCountry);
        for (var i = 0; i < authorisation.Scope.InstitutionIds.Count; i++)
        {
            var institution = await store.FindAsync(ApprovalsCollections.KnownInstitutions, authorisation.Scope.InstitutionIds[i], ct);
            validator.Check(institution is not null && institution.Value.CountryCode == authorisation.Jurisdiction, $"scope.institution_ids[{i}]",
                $"is not an institution the registry knows in {authorisation.Jurisdiction}");
        }
        if (authorisation.ReferenceAuthorisationId is { } referenceId)
        {
            var reference = await store.FindAsync(ApprovalsCollections.Authorisations, referenceId, ct);
            validator.Check(reference is not null && reference.Value.Jurisdiction != authorisation.Jurisdiction && reference.Value.ProductId == authorisation.ProductId,
                "reference_authorisation_id", "must name a tracked authorisation of the same product in another jurisdiction");
        }
        validator.ThrowIfInvalid();
    }
}
