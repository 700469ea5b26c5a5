using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Products;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Products;

public sealed record GetProductCommand(string ProductId);

/// <summary>One product of the catalogue.</summary>
public sealed class GetProduct(IDocumentStore store)
{
    public async Task<Stored<Product>> ExecuteAsync(GetProductCommand command, CancellationToken ct)
    {
        new Validator().Slug(command.ProductId, "product_id").ThrowIfInvalid();
        return await store.FindAsync(RegistryCollections.Products, command.ProductId, ct)
            ?? throw new NotFoundException($"No product '{command.ProductId}' is registered.");
    }
}
