using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.ReadModels;

/// <summary>
/// Keeps <see cref="KnownProduct"/> in step with the registry's ProductRegistered. The
/// inbox stops a repeated delivery of one event; this also absorbs the same product
/// arriving in another event (a republish, a replay): it updates instead of inserting.
/// </summary>
public sealed class ProductProjection(IDocumentStore store) : IEventHandler<ProductRegistered>
{
    public async Task HandleAsync(ProductRegistered integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent.Product is not { ProductId.Length: > 0 } product)
        {
            throw new PoisonEventException("ProductRegistered carries no product id.");
        }
        var known = new KnownProduct(product.ProductId, product.Name, RegistryEnums.NameOf(product.CellSource));
        var current = await store.FindAsync(SlotsCollections.KnownProducts, known.ProductId, ct);
        if (current is null)
        {
            context.Changes.Insert(SlotsCollections.KnownProducts, known.ProductId, known);
        }
        else if (current.Value != known)
        {
            // Checked against the version read above: a concurrent write makes this a retry, not a lost update.
            context.Changes.Update(SlotsCollections.KnownProducts, current, known);
        }
    }
}
