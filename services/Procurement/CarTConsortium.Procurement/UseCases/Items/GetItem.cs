using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Items;

namespace CarTConsortium.Procurement.UseCases.Items;

public sealed record GetItemCommand(string? ItemId);

/// <summary>One item of the catalogue (it holds no prices: anyone signed in may read it).</summary>
public sealed class GetItem(IDocumentStore store)
{
    public async Task<Stored<CatalogueItem>> ExecuteAsync(GetItemCommand command, CancellationToken ct)
    {
        new Validator().Slug(command.ItemId, "item_id").ThrowIfInvalid();
        return await store.FindItemAsync(command.ItemId!, ct);
    }
}
