using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Slots.Catalogue;

namespace CarTConsortium.Slots.Capacity;

/// <summary>The use cases of manufacturing capacity, one method each.</summary>
public sealed class CapacityPlanner(IDocumentStore store, TimeProvider clock)
{
    /// <summary>Offers capacity for a product the registry has registered, and tells the other services through CapacityChanged.</summary>
    public async Task<Stored<Capacity>> PublishAsync(Caller caller, string siteId, string productId, DateParts? runStart, int runDays, int lines, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var capacity = Capacity.Publish(Guid.CreateVersion7(now).ToString(), siteId, productId, runStart, runDays, lines, now);
        caller.Demand(caller.IsOfOrg(capacity.SiteId), "A manufacturing site publishes capacity for its own site only.");
        // Known only from the registry's events: an entity registered a moment ago may not have arrived yet.
        var site = await store.FindAsync(KnownInstitution.Collection, capacity.SiteId, ct);
        if (site is null || !site.Value.IsManufacturingSite)
        {
            throw new RuleViolationException($"'{capacity.SiteId}' is not a manufacturing site in the registry (yet).");
        }
        // The federation binds a token's country to its issuer, not its org: a provider speaks only for its own country's sites.
        caller.Demand(caller.IsOfCountry(site.Value.CountryCode), "A manufacturing site publishes capacity for its own site only.");
        if (await store.FindAsync(KnownProduct.Collection, capacity.ProductId, ct) is null)
        {
            throw new RuleViolationException($"Product '{capacity.ProductId}' is not in the registry's catalogue (yet).");
        }
        var stored = Stored.Inserted(capacity.CapacityId, capacity);
        await store.CommitAsync(new ChangeSet()
            .Insert(Capacity.Collection, capacity.CapacityId, capacity)
            .Raise(new CapacityChanged { Capacity = SlotsMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    public async Task<Stored<Capacity>> GetAsync(string capacityId, CancellationToken ct)
    {
        new Validator().Check(IsCapacityId(capacityId), "capacity_id", "must be a capacity id as PublishCapacity returned it").ThrowIfInvalid();
        return await store.FindAsync(Capacity.Collection, capacityId, ct)
            ?? throw new NotFoundException($"No capacity '{capacityId}' is published.");
    }

    /// <param name="siteId">Only this site's capacity; null or empty for every site.</param>
    /// <param name="productId">Only capacity for this product; null or empty for every product.</param>
    public async Task<(IReadOnlyList<Stored<Capacity>> Capacity, string NextPageToken)> ListAsync(int pageSize, string? pageToken, string? siteId, string? productId, CancellationToken ct)
    {
        var validator = new Validator();
        if (!string.IsNullOrEmpty(siteId))
        {
            validator.Slug(siteId, "site_id");
        }
        if (!string.IsNullOrEmpty(productId))
        {
            validator.Slug(productId, "product_id");
        }
        var query = Paging.Query(pageSize, pageToken, validator)
            .WhereKey("site_id", siteId)
            .WhereKey("product_id", productId);
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(Capacity.Collection, query, ct);
        return (page.Items, Paging.NextToken(page));
    }

    private static bool IsCapacityId(string? id) => Guid.TryParseExact(id, "D", out var parsed) && parsed.ToString() == id;
}
