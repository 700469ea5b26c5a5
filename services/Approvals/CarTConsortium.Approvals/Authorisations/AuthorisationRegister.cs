using CarTConsortium.Approvals.Catalogue;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Approvals.Authorisations;

/// <summary>The use cases of authorisation tracking, one method each.</summary>
public sealed class AuthorisationRegister(IDocumentStore store, TimeProvider clock)
{
    public async Task<Stored<Authorisation>> RecordAsync(Caller caller, string productId, string jurisdiction, Authority? authority, Pathway? pathway, CancellationToken ct)
    {
        var authorisation = Authorisation.Record(productId, jurisdiction, authority, pathway, clock.GetUtcNow());
        caller.Demand(caller.IsConsortiumAdmin || caller.IsOfCountry(authorisation.Jurisdiction),
            "A regulatory officer records authorisations for their own country only.");
        if (await store.FindAsync(KnownProduct.Collection, productId, ct) is null)
        {
            throw new RuleViolationException($"Product '{productId}' is not in the registry's catalogue (yet).");
        }
        var stored = Stored.Inserted(authorisation.AuthorisationId, authorisation);
        await store.CommitAsync(new ChangeSet()
            .Insert(Authorisation.Collection, authorisation.AuthorisationId, authorisation)
            .Raise(new AuthorisationChanged { Authorisation = ApprovalsMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    public async Task<Stored<Authorisation>> GetAsync(string authorisationId, CancellationToken ct)
    {
        new Validator().Required(authorisationId, "authorisation_id").MaxLength(authorisationId, 200, "authorisation_id").ThrowIfInvalid();
        return await store.FindAsync(Authorisation.Collection, authorisationId, ct)
            ?? throw new NotFoundException($"No authorisation '{authorisationId}' is tracked.");
    }

    public async Task<(IReadOnlyList<Stored<Authorisation>> Authorisations, string NextPageToken)> ListAsync(
        int pageSize, string? pageToken, string? productId, string? jurisdiction, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator).WhereKey("product_id", productId).WhereKey("jurisdiction", jurisdiction);
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(Authorisation.Collection, query, ct);
        return (page.Items, Paging.NextToken(page));
    }
}
