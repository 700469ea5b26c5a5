using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CarTConsortium.Eventing.Dapr;

public static class DaprEventingRegistration
{
    /// <summary>
    /// The eventing port over Dapr pub/sub: the shared core (dispatcher, outbox relay),
    /// a <see cref="global::Dapr.Client.DaprClient"/> for the local sidecar (its address comes from
    /// Dapr's usual DAPR_GRPC_ENDPOINT / DAPR_GRPC_PORT settings) and the publisher.
    /// Map the subscriber side with <see cref="DaprEventingEndpoints.MapDaprEventing"/>.
    /// </summary>
    public static IServiceCollection AddDaprEventing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventingCore(configuration);
        services.AddValidatedSettings<DaprEventingOptions, DaprEventingOptionsValidator>(configuration);
        services.AddDaprClient();
        services.RemoveAll<IEventPublisher>();
        services.AddSingleton<IEventPublisher, DaprEventPublisher>();
        services.AddDaprSidecarHealthCheck();
        return services;
    }
}
