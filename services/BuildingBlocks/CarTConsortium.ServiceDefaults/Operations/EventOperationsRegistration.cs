using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Operations.V1;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.ServiceDefaults.Operations;

public static class EventOperationsRegistration
{
    /// <summary>The header the gateway routes <see cref="EventOperations"/> gRPC calls by: every service serves the same methods.</summary>
    public const string ServiceHeader = "x-consortium-service";

    /// <summary>
    /// The dead-letter operations every service app serves, added by the host (standalone and distributed)
    /// after the module: only a consortium admin may call them, with a token for <paramref name="scope"/>
    /// (the service's own scope, which is its app id).
    /// </summary>
    public static IServiceCollection AddEventOperations(this IServiceCollection services, string scope)
    {
        services.AddRpcAccess(EventOperations.Descriptor, scope, rpc => rpc
            .Allow(nameof(EventOperations.EventOperationsBase.ListDeadLetters), Roles.ConsortiumAdmin)
            .Allow(nameof(EventOperations.EventOperationsBase.ReplayDeadLetter), Roles.ConsortiumAdmin));
        services.AddScoped<ListDeadLetters>();
        services.AddScoped<ReplayDeadLetter>();
        return services;
    }

    public static IEndpointRouteBuilder MapEventOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<EventOperationsGrpcService>().RequireAuthorization(Security.FederatedAuthentication.Policy);
        return endpoints;
    }
}
