using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using ProcurementService = CarTConsortium.Contracts.Procurement.V1.ProcurementService;
using CarTConsortium.Procurement.Tenders;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Procurement;

/// <summary>
/// Procurement's whole wiring. The host has given it storage and eventing; it adds its
/// use cases and its gRPC service.
/// </summary>
public sealed class ProcurementModule : IServiceModule
{
    public string AppId => "procurement";

    public void AddServices(WebApplicationBuilder builder)
    {
        builder.AddFederatedAuthentication();
        builder.Services.AddRpcAccess(ProcurementService.Descriptor, scope: "procurement", rpc => rpc
            // Consortium admins open tenders; prices are commercial, so only procurement reads them.
            .Allow(nameof(ProcurementService.ProcurementServiceBase.OpenTender), Roles.ConsortiumAdmin)
            .Allow(nameof(ProcurementService.ProcurementServiceBase.GetTender), Roles.ProcurementOfficer, Roles.ConsortiumAdmin)
            .Allow(nameof(ProcurementService.ProcurementServiceBase.ListTenders), Roles.ProcurementOfficer, Roles.ConsortiumAdmin));
        builder.Services.AddScoped<TenderBook>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<ProcurementGrpcService>().RequireAuthorization(FederatedAuthentication.Policy);
    }

    /// <summary>Two open tenders for items the review paper names, opened once into an empty store.</summary>
    public async Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
        if ((await store.QueryAsync(Tender.Collection, new DocumentQuery { Limit = 1 }, ct)).Items.Count > 0)
        {
            return;
        }
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var book = scope.ServiceProvider.GetRequiredService<TenderBook>();
        // Demo data: the prices are made up to look plausible; they are no real quotes.
        await book.OpenAsync("Lentiviral vector lot, CD19 CAR (GMP grade)", "lot",
            [Tier(1, 185_000m), Tier(4, 152_500m), Tier(10, 128_750m)], now.AddDays(60), ct);
        await book.OpenAsync("Tocilizumab 400 mg/20 mL vial (CRS management)", "vial",
            [Tier(1, 520m), Tier(200, 447.50m), Tier(1_000, 389.25m)], now.AddDays(90), ct);
    }

    private static ProposedTier Tier(int minQuantity, decimal usd) => new(minQuantity, MoneyAmount.FromDecimal("USD", usd));
}
