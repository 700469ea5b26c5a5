using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Procurement.Api;
using CarTConsortium.Procurement.DemoData;
using CarTConsortium.Procurement.Jobs;
using CarTConsortium.Procurement.ReadModels;
using CarTConsortium.Procurement.UseCases.Items;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Procurement.UseCases.PurchaseOrders;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ProcurementService = CarTConsortium.Contracts.Procurement.V1.ProcurementService;
using Rpc = CarTConsortium.Contracts.Procurement.V1.ProcurementService.ProcurementServiceBase;

namespace CarTConsortium.Procurement;

/// <summary>
/// Procurement's whole wiring. The host has given it storage and eventing; it adds the
/// catalogue and pool use cases, its gRPC service, the closing job, and the registry's
/// institutions (where pooled units may be delivered) from its events.
/// </summary>
public sealed class ProcurementModule : IServiceModule
{
    public string AppId => "procurement";

    public void AddServices(WebApplicationBuilder builder)
    {
        builder.AddFederatedAuthentication();
        builder.Services.AddRpcAccess(ProcurementService.Descriptor, scope: "procurement", rpc => rpc
            // The catalogue holds no prices: everyone may read it; the consortium keeps it.
            .Allow(nameof(Rpc.RegisterItem), Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.UpdateItem), Roles.ConsortiumAdmin)
            .AllowAnyRole(nameof(Rpc.GetItem))
            .AllowAnyRole(nameof(Rpc.ListItems))
            // Admins open and close pools; prices and volumes are commercial, so only procurement reads them.
            .Allow(nameof(Rpc.OpenPool), Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.ClosePool), Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.GetPool), Roles.ProcurementOfficer, Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.ListPools), Roles.ProcurementOfficer, Roles.ConsortiumAdmin)
            // Officers commit for their own country (CommitmentAccess); an admin commits nobody's budget.
            .Allow(nameof(Rpc.Commit), Roles.ProcurementOfficer)
            .Allow(nameof(Rpc.WithdrawCommitment), Roles.ProcurementOfficer)
            // Officers see their own country's figures and the pool's totals (PoolViewer); admins everything.
            .Allow(nameof(Rpc.GetSavings), Roles.ProcurementOfficer, Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.GetPurchaseOrder), Roles.ProcurementOfficer, Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.ListPurchaseOrders), Roles.ProcurementOfficer, Roles.ConsortiumAdmin));
        builder.Services.AddValidatedSettings<ProcurementOptions, ProcurementOptionsValidator>(builder.Configuration);
        // The store creates their key indexes and back-fills new keys at start.
        builder.Services.AddDocumentCollectionsFrom(typeof(Storage.ProcurementCollections));
        builder.Services.AddSingleton<PoolsOpened>();
        AddUseCases(builder.Services);
        builder.Services.AddScoped<ProcurementDemoData>();
        builder.Services.AddSingleton<PoolClosingJob>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PoolClosingJob>());
        builder.Services.AddEventHandler<InstitutionChanged, InstitutionProjection>();
    }

    /// <summary>The use cases, one per file, each scoped to a call; the tests wire them through here too.</summary>
    internal static void AddUseCases(IServiceCollection services)
    {
        services.AddSingleton<PoolViewers>();
        services.AddScoped<RegisterItem>();
        services.AddScoped<UpdateItem>();
        services.AddScoped<GetItem>();
        services.AddScoped<ListItems>();
        services.AddScoped<OpenPool>();
        services.AddScoped<GetPool>();
        services.AddScoped<ListPools>();
        services.AddScoped<ClosePool>();
        services.AddScoped<CommitToPool>();
        services.AddScoped<WithdrawCommitment>();
        services.AddScoped<GetSavings>();
        services.AddScoped<CloseDuePools>();
        services.AddScoped<NextClosingTime>();
        services.AddScoped<GetPurchaseOrder>();
        services.AddScoped<ListPurchaseOrders>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<ProcurementGrpcService>().RequireAuthorization(FederatedAuthentication.Policy);
    }

    /// <summary>The demo catalogue, an open pool with three countries' commitments and a settled one, once the registry's institutions have arrived.</summary>
    public async Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ProcurementDemoData>().SeedAsync(TimeSpan.FromSeconds(30), ct);
    }
}
