using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Catalogue;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Approvals;

/// <summary>
/// The approvals service's whole wiring: its use cases, its gRPC service, and the registry
/// events it builds its product catalogue from.
/// </summary>
public sealed class ApprovalsModule : IServiceModule
{
    public string AppId => "approvals";

    public void AddServices(WebApplicationBuilder builder)
    {
        builder.AddFederatedAuthentication();
        builder.Services.AddRpcAccess(ApprovalsService.Descriptor, scope: "approvals", rpc => rpc
            // Officers record for their own country only (AuthorisationRegister); admins for all.
            .Allow(nameof(ApprovalsService.ApprovalsServiceBase.RecordAuthorisation), Roles.RegulatoryOfficer, Roles.ConsortiumAdmin)
            .AllowAnyRole(nameof(ApprovalsService.ApprovalsServiceBase.GetAuthorisation))
            .AllowAnyRole(nameof(ApprovalsService.ApprovalsServiceBase.ListAuthorisations)));
        builder.Services.AddScoped<AuthorisationRegister>();
        builder.Services.AddEventHandler<ProductRegistered, ProductProjection>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<ApprovalsGrpcService>().RequireAuthorization(FederatedAuthentication.Policy);
    }
}
