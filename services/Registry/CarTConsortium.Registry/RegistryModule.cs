using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using RegistryService = CarTConsortium.Contracts.Registry.V1.RegistryService;
using CarTConsortium.Registry.Products;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Registry;

/// <summary>
/// The registry's whole wiring. The host has given it storage and eventing; it adds its
/// use cases and its gRPC service.
/// </summary>
public sealed class RegistryModule : IServiceModule
{
    public string AppId => "registry";

    public void AddServices(WebApplicationBuilder builder)
    {
        builder.AddFederatedAuthentication();
        builder.Services.AddRpcAccess(RegistryService.Descriptor, scope: "registry", rpc => rpc
            // The catalogue is the consortium's: only its admins add to it; everyone reads it.
            .Allow(nameof(RegistryService.RegistryServiceBase.RegisterProduct), Roles.ConsortiumAdmin)
            .AllowAnyRole(nameof(RegistryService.RegistryServiceBase.GetProduct))
            .AllowAnyRole(nameof(RegistryService.RegistryServiceBase.ListProducts)));
        builder.Services.AddScoped<ProductCatalogue>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<RegistryGrpcService>().RequireAuthorization(FederatedAuthentication.Policy);
    }

    /// <summary>The products the review paper names, registered once into an empty catalogue.</summary>
    public async Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
        if ((await store.QueryAsync(Product.Collection, new DocumentQuery { Limit = 1 }, ct)).Items.Count > 0)
        {
            return;
        }
        var catalogue = scope.ServiceProvider.GetRequiredService<ProductCatalogue>();
        await catalogue.RegisterAsync("tisagenlecleucel", "Kymriah (tisagenlecleucel)", "CD19", CellSource.Autologous, "Novartis", ct);
        await catalogue.RegisterAsync("pcar-19b", "pCAR-19B (Pukilin)", "CD19", CellSource.Autologous, "Chongqing developer (China)", ct);
        await catalogue.RegisterAsync("nexcar19", "NexCAR19", "CD19", CellSource.Autologous, "ImmunoACT / IIT Bombay", ct);
        await catalogue.RegisterAsync("ncb-cd19-academic", "Academic CD19 CAR-T (CliniMACS Prodigy)", "CD19", CellSource.Autologous,
            "National Center for Biotechnology, Astana", ct);
    }
}
