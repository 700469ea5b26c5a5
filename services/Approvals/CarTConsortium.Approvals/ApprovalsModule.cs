using CarTConsortium.Approvals.Api;
using CarTConsortium.Approvals.DemoData;
using CarTConsortium.Approvals.Jobs;
using CarTConsortium.Approvals.ReadModels;
using CarTConsortium.Approvals.UseCases.Authorisations;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Rpc = CarTConsortium.Contracts.Approvals.V1.ApprovalsService.ApprovalsServiceBase;

namespace CarTConsortium.Approvals;

/// <summary>
/// The approvals service's whole wiring: its use cases, its gRPC service, the expiry job,
/// and the registry events it builds its products, countries and institutions from.
/// </summary>
public sealed class ApprovalsModule : IServiceModule
{
    public string AppId => "approvals";

    public void AddServices(WebApplicationBuilder builder)
    {
        builder.AddFederatedAuthentication();
        builder.Services.AddRpcAccess(ApprovalsService.Descriptor, scope: "approvals", rpc => rpc
            // Officers write for their own country only (AuthorisationAccess); admins for all.
            .Allow(nameof(Rpc.RecordAuthorisation), Roles.RegulatoryOfficer, Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.ChangeStatus), Roles.RegulatoryOfficer, Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.AmendAuthorisation), Roles.RegulatoryOfficer, Roles.ConsortiumAdmin)
            // What is authorised where is everyone's business.
            .AllowAnyRole(nameof(Rpc.GetAuthorisation))
            .AllowAnyRole(nameof(Rpc.ListAuthorisations))
            // The history names the officers who made each change: for regulators and admins.
            .Allow(nameof(Rpc.GetAuthorisationHistory), Roles.RegulatoryOfficer, Roles.ConsortiumAdmin)
            .AllowAnyRole(nameof(Rpc.GetMatrix))
            .AllowAnyRole(nameof(Rpc.CheckUsage))
            .AllowAnyRole(nameof(Rpc.ListRenewalsDue)));
        builder.Services.AddValidatedSettings<ApprovalsOptions, ApprovalsOptionsValidator>(builder.Configuration);
        // The store creates their key indexes and back-fills new keys at start.
        builder.Services.AddDocumentCollectionsFrom(typeof(Storage.ApprovalsCollections));
        builder.Services.AddScoped<RecordAuthorisation>();
        builder.Services.AddScoped<ChangeAuthorisationStatus>();
        builder.Services.AddScoped<AmendAuthorisation>();
        builder.Services.AddScoped<ExpireDueAuthorisations>();
        builder.Services.AddScoped<GetAuthorisation>();
        builder.Services.AddScoped<ListAuthorisations>();
        builder.Services.AddScoped<GetAuthorisationHistory>();
        builder.Services.AddScoped<GetAuthorisationMatrix>();
        builder.Services.AddScoped<CheckUsage>();
        builder.Services.AddScoped<ListRenewalsDue>();
        builder.Services.AddScoped<ApprovalsDemoData>();
        builder.Services.AddSingleton<AuthorisationExpiryJob>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuthorisationExpiryJob>());
        builder.Services.AddEventHandler<ProductRegistered, ProductProjection>();
        builder.Services.AddEventHandler<CountryAdmitted, CountryProjection>();
        builder.Services.AddEventHandler<InstitutionChanged, InstitutionProjection>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<ApprovalsGrpcService>().RequireAuthorization(FederatedAuthentication.Policy);
    }

    /// <summary>The review paper's decisions, once the registry's demo products and members have arrived here by event.</summary>
    public async Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ApprovalsDemoData>().SeedAsync(TimeSpan.FromSeconds(30), ct);
    }
}
