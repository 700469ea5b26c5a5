using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Items;

/// <param name="Category">Only items of this category; null for all. A value the service does not know is INVALID_ARGUMENT.</param>
public sealed record ListItemsCommand(int PageSize, string? PageToken, ItemCategory? Category);

/// <param name="NextPageToken">Empty on the last page.</param>
public sealed record ItemPage(IReadOnlyList<Stored<CatalogueItem>> Items, string NextPageToken);

/// <summary>A page of the catalogue, in item id order.</summary>
public sealed class ListItems(IDocumentStore store)
{
    public async Task<ItemPage> ExecuteAsync(ListItemsCommand command, CancellationToken ct)
    {
        // A filter this service does not know is refused before anything else is checked.
        new Validator().Check(command.Category is not { } category || Enum.IsDefined(category), "category", "is not an item category").ThrowIfInvalid();
        var validator = new Validator();
        var query = Paging.Query(command.PageSize, command.PageToken, validator).WhereKey(ItemKeys.Category, ItemKeys.CategoryOf(command.Category));
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(ProcurementCollections.CatalogueItems, query, ct);
        return new ItemPage(page.Items, Paging.NextToken(page));
    }
}
