using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Catalogue;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.ServiceDefaults;
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
        builder.Services.AddScoped<AuthorisationRegister>();
        builder.Services.AddEventHandler<ProductRegistered, ProductProjection>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<ApprovalsGrpcService>();
    }
}
