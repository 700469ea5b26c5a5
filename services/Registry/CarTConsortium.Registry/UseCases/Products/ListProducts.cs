using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Products;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Products;

/// <param name="Manufacturer">Only this manufacturer's products; null or empty for all.</param>
public sealed record ListProductsCommand(int PageSize, string? PageToken, string? Manufacturer);

public sealed record ListProductsResult(IReadOnlyList<Stored<Product>> Products, string NextPageToken);

/// <summary>The catalogue, a page at a time in product id order.</summary>
public sealed class ListProducts(IDocumentStore store)
{
    public async Task<ListProductsResult> ExecuteAsync(ListProductsCommand command, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(command.PageSize, command.PageToken, validator).WhereKey(ProductKeys.Manufacturer, command.Manufacturer);
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(RegistryCollections.Products, query, ct);
        return new ListProductsResult(page.Items, Paging.NextToken(page));
    }
}
