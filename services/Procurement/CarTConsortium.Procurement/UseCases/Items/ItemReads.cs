using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Items;

/// <summary>The read the item use cases share.</summary>
internal static class ItemReads
{
    /// <exception cref="NotFoundException">No such item.</exception>
    public static async Task<Stored<CatalogueItem>> FindItemAsync(this IDocumentStore store, string itemId, CancellationToken ct) =>
        await store.FindAsync(ProcurementCollections.CatalogueItems, itemId, ct)
        ?? throw new NotFoundException($"No item '{itemId}' is in the catalogue.");
}
