using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Items;

/// <param name="Category">Null when the request named none or one this service does not know; the rules report it.</param>
public sealed record RegisterItemCommand(
    string? ItemId,
    string? Name,
    ItemCategory? Category,
    string? Unit,
    int PackSize,
    string? PackContents,
    IReadOnlyList<Supplier?>? Suppliers);

/// <summary>The consortium adds an item that can be pooled to the catalogue.</summary>
public sealed class RegisterItem(IDocumentStore store, TimeProvider clock)
{
    /// <exception cref="AlreadyExistsException">The item id is taken.</exception>
    public async Task<Stored<CatalogueItem>> ExecuteAsync(RegisterItemCommand command, CancellationToken ct)
    {
        var item = CatalogueItem.Register(command.ItemId, command.Name, command.Category, command.Unit, command.PackSize, command.PackContents,
            command.Suppliers, clock.GetUtcNow());
        await store.CommitAsync(new ChangeSet().Insert(ProcurementCollections.CatalogueItems, item.ItemId, item), ct);
        return Stored.Inserted(item.ItemId, item);
    }
}
