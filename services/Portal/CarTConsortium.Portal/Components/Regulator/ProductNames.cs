using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Errors;

namespace CarTConsortium.Portal.Components.Regulator;

/// <summary>The registry's product names by id, so that people read names where the approvals API gives ids.</summary>
public static class ProductNames
{
    /// <summary>Empty when the registry cannot be read: the ids are shown instead and the page still works.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> LoadAsync(RegistryService.RegistryServiceClient registry, CallGuard guard)
    {
        var result = await guard.RunAsync(async () => await registry.ListProductsAsync(new ListProductsRequest { Page = new() { PageSize = 200 } }));
        return result.Value?.Products.ToDictionary(p => p.ProductId, p => p.Name, StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }
}
