using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Products;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Products;

/// <param name="CellSource">Null when the request leaves it unspecified.</param>
public sealed record RegisterProductCommand(string ProductId, string Name, string TargetAntigen, CellSource? CellSource, string Manufacturer);

/// <summary>Adds a product to the catalogue and tells the other services through ProductRegistered.</summary>
public sealed class RegisterProduct(IDocumentStore store, TimeProvider clock)
{
    public async Task<Stored<Product>> ExecuteAsync(RegisterProductCommand command, CancellationToken ct)
    {
        var product = Product.Register(command.ProductId, command.Name, command.TargetAntigen, command.CellSource, command.Manufacturer, clock.GetUtcNow());
        var stored = Stored.Inserted(product.ProductId, product);
        // The insert fails with ALREADY_EXISTS when the id is taken, also under a race.
        await store.CommitAsync(new ChangeSet()
            .Insert(RegistryCollections.Products, product.ProductId, product)
            .Raise(ProductEvents.Registered(stored), clock), ct);
        return stored;
    }
}
