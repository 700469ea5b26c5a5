using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Products;

/// <summary>The use cases of the product catalogue, one method each.</summary>
public sealed class ProductCatalogue(IDocumentStore store, TimeProvider clock)
{
    /// <summary>Adds a product and tells the other services through ProductRegistered.</summary>
    public async Task<Stored<Product>> RegisterAsync(string productId, string name, string targetAntigen, CellSource? cellSource, string manufacturer, CancellationToken ct)
    {
        var product = Product.Register(productId, name, targetAntigen, cellSource, manufacturer, clock.GetUtcNow());
        var stored = Stored.Inserted(product.ProductId, product);
        // The insert fails with ALREADY_EXISTS when the id is taken, also under a race.
        await store.CommitAsync(new ChangeSet()
            .Insert(Product.Collection, product.ProductId, product)
            .Raise(new ProductRegistered { Product = RegistryMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    public async Task<Stored<Product>> GetAsync(string productId, CancellationToken ct)
    {
        new Validator().Slug(productId, "product_id").ThrowIfInvalid();
        return await store.FindAsync(Product.Collection, productId, ct)
            ?? throw new NotFoundException($"No product '{productId}' is registered.");
    }

    public async Task<(IReadOnlyList<Stored<Product>> Products, string NextPageToken)> ListAsync(int pageSize, string? pageToken, string? manufacturer, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator).WhereKey("manufacturer", manufacturer);
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(Product.Collection, query, ct);
        return (page.Items, Paging.NextToken(page));
    }
}
