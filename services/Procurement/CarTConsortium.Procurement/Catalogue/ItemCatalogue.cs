using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Procurement.Catalogue;

/// <summary>The use cases of the catalogue of items that can be pooled, one method each.</summary>
public sealed class ItemCatalogue(IDocumentStore store, TimeProvider clock)
{
    /// <exception cref="AlreadyExistsException">The item id is taken.</exception>
    public async Task<Stored<CatalogueItem>> RegisterAsync(string? itemId, string? name, ItemCategory? category, string? unit, int packSize,
        string? packContents, IReadOnlyList<Supplier?>? suppliers, CancellationToken ct)
    {
        var item = CatalogueItem.Register(itemId, name, category, unit, packSize, packContents, suppliers, clock.GetUtcNow());
        await store.CommitAsync(new ChangeSet().Insert(CatalogueItem.Collection, item.ItemId, item), ct);
        return Stored.Inserted(item.ItemId, item);
    }

    /// <summary>Renames an item and replaces its suppliers; a change that changes nothing writes nothing.</summary>
    public async Task<Stored<CatalogueItem>> UpdateAsync(string? itemId, long expectedRevision, string? name, string? packContents,
        IReadOnlyList<Supplier?>? suppliers, CancellationToken ct)
    {
        new Validator().Slug(itemId, "item_id").CheckExpectedRevision(expectedRevision).ThrowIfInvalid();
        var current = await GetAsync(itemId!, ct);
        ExpectedRevision.Require(CatalogueItem.Collection, current, expectedRevision);
        var updated = current.Value.Update(name, packContents, suppliers);
        if (updated.Name == current.Value.Name && updated.PackContents == current.Value.PackContents && updated.Suppliers.SequenceEqual(current.Value.Suppliers))
        {
            return current;
        }
        await store.CommitAsync(new ChangeSet().Update(CatalogueItem.Collection, current, updated), ct);
        return current with { Version = current.Version + 1, Value = updated };
    }

    public async Task<Stored<CatalogueItem>> GetAsync(string? itemId, CancellationToken ct)
    {
        new Validator().Slug(itemId, "item_id").ThrowIfInvalid();
        return await store.FindAsync(CatalogueItem.Collection, itemId!, ct)
            ?? throw new NotFoundException($"No item '{itemId}' is in the catalogue.");
    }

    /// <param name="category">Only items of this category; null for all.</param>
    public async Task<(IReadOnlyList<Stored<CatalogueItem>> Items, string NextPageToken)> ListAsync(int pageSize, string? pageToken,
        ItemCategory? category, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator).WhereKey("category", category?.ToString());
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(CatalogueItem.Collection, query, ct);
        return (page.Items, Paging.NextToken(page));
    }
}
