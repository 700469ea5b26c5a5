using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Approvals.ReadModels;

/// <summary>Keeps <see cref="KnownProduct"/> up to date; an older copy never overwrites a newer one.</summary>
public sealed class ProductProjection(IDocumentStore store) : IEventHandler<ProductRegistered>
{
    public async Task HandleAsync(ProductRegistered integrationEvent, EventContext context, CancellationToken ct)
    {
        var product = integrationEvent.Product;
        if (string.IsNullOrEmpty(product?.ProductId))
        {
            // No retry can mend an event without its product: dead-letter it at once.
            throw new PoisonEventException("ProductRegistered carries no product id.");
        }
        var incoming = new KnownProduct(product.ProductId, product.Name, product.Revision?.Version ?? 0);
        await context.UpsertNewerAsync(store, ApprovalsCollections.KnownProducts, incoming.ProductId, incoming, p => p.RegistryVersion, ct);
    }
}
