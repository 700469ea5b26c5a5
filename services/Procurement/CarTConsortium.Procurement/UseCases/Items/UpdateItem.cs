using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Items;

/// <param name="ExpectedRevision">The item's revision the change was based on; a stale one is ABORTED.</param>
public sealed record UpdateItemCommand(string? ItemId, long ExpectedRevision, string? Name, string? PackContents, IReadOnlyList<Supplier?>? Suppliers);

/// <summary>Renames an item and replaces its suppliers; a change that changes nothing writes nothing.</summary>
public sealed class UpdateItem(IDocumentStore store)
{
    public async Task<Stored<CatalogueItem>> ExecuteAsync(UpdateItemCommand command, CancellationToken ct)
    {
        new Validator().Slug(command.ItemId, "item_id").CheckExpectedRevision(command.ExpectedRevision).ThrowIfInvalid();
        var current = await store.FindItemAsync(command.ItemId!, ct);
        ExpectedRevision.Require(ProcurementCollections.CatalogueItems, current, command.ExpectedRevision);
        var updated = current.Value.Update(command.Name, command.PackContents, command.Suppliers);
        if (updated.Name == current.Value.Name && updated.PackContents == current.Value.PackContents && updated.Suppliers.SequenceEqual(current.Value.Suppliers))
        {
            return current;
        }
        await store.CommitAsync(new ChangeSet().Update(ProcurementCollections.CatalogueItems, current, updated), ct);
        return current with { Version = current.Version + 1, Value = updated };
    }
}
