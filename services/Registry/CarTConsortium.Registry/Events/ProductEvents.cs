using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Registry.Api;
using Product = CarTConsortium.Registry.Domain.Products.Product;

namespace CarTConsortium.Registry.Events;

/// <summary>What the registry tells other services about its catalogue.</summary>
internal static class ProductEvents
{
    // The event carries the product exactly as the API shows it, so its mapping is the API's.
    public static ProductRegistered Registered(Stored<Product> product) => new() { Product = RegistryMapping.ToContract(product) };
}
