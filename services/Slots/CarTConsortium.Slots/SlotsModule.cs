using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using CarTConsortium.Slots.Capacity;
using CarTConsortium.Slots.Catalogue;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Slots;

/// <summary>
/// Slots' whole wiring. The host has given it storage and eventing; it adds its use
/// cases, its gRPC service and its subscriptions to the registry's products, institutions, agreements and patients, and to approvals' authorisations.
/// </summary>
/// <remarks>
/// No demo data: capacity must name a product slots has learned from the registry's
/// events, and those arrive only after the hosts have started and seeded. Demo capacity
/// belongs to a step that runs once the registry's products have been projected.
/// </remarks>
public sealed class SlotsModule : IServiceModule
{
    public string AppId => "slots";

    public void AddServices(WebApplicationBuilder builder)
    {
        builder.AddFederatedAuthentication();
        builder.Services.AddRpcAccess(SlotsService.Descriptor, scope: "slots", rpc => rpc
            // A site publishes its own capacity only (CapacityPlanner); every role may see what is offered.
            .Allow(nameof(SlotsService.SlotsServiceBase.PublishCapacity), Roles.ManufacturingSite)
            .AllowAnyRole(nameof(SlotsService.SlotsServiceBase.GetCapacity))
            .AllowAnyRole(nameof(SlotsService.SlotsServiceBase.ListCapacity)));
        builder.Services.AddScoped<CapacityPlanner>();
        builder.Services.AddEventHandler<ProductRegistered, ProductProjection>();
        builder.Services.AddEventHandler<InstitutionChanged, InstitutionProjection>();
        builder.Services.AddEventHandler<AgreementChanged, AgreementProjection>();
        builder.Services.AddEventHandler<PatientEnrolled, PatientProjection>();
        builder.Services.AddEventHandler<PatientConsentChanged, PatientProjection>();
        builder.Services.AddEventHandler<AuthorisationChanged, AuthorisationProjection>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<SlotsGrpcService>().RequireAuthorization(FederatedAuthentication.Policy);
    }
}
