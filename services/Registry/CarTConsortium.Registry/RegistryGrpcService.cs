using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Registry.Products;
using Grpc.Core;

namespace CarTConsortium.Registry;

/// <summary>The registry's gRPC (and, through transcoding, REST/JSON) face: translation only.</summary>
public sealed class RegistryGrpcService(ProductCatalogue catalogue) : RegistryService.RegistryServiceBase
{
    public override async Task<Contracts.Registry.V1.Product> RegisterProduct(RegisterProductRequest request, ServerCallContext context)
    {
        var stored = await catalogue.RegisterAsync(request.ProductId, request.Name, request.TargetAntigen,
            RegistryMapping.FromContract(request.CellSource), request.Manufacturer, context.CancellationToken);
        return RegistryMapping.ToContract(stored);
    }

    public override async Task<Contracts.Registry.V1.Product> GetProduct(GetProductRequest request, ServerCallContext context) =>
        RegistryMapping.ToContract(await catalogue.GetAsync(request.ProductId, context.CancellationToken));

    public override async Task<ListProductsResponse> ListProducts(ListProductsRequest request, ServerCallContext context)
    {
        var (products, next) = await catalogue.ListAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.Manufacturer, context.CancellationToken);
        return new ListProductsResponse { Products = { products.Select(RegistryMapping.ToContract) }, NextPageToken = next };
    }
}
