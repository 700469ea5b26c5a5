using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CarTConsortium.BuildingBlocks.Eventing;

public static class EventingRegistration
{
    /// <summary>
    /// What every app needs whatever its transport: its settings (validated at start), the dispatcher, the outbox
    /// signal and relay, the dead-letter replay. A transport adapter adds its <see cref="IEventPublisher"/>.
    /// </summary>
    public static IServiceCollection AddEventingCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedSettings<EventingOptions, EventingOptionsValidator>(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<EventDispatcher>();
        services.TryAddSingleton<DeadLetterReplay>();
        services.TryAddSingleton<DeadLetterCounts>();
        services.AddHostedService(sp => sp.GetRequiredService<DeadLetterCounts>());
        services.AddHostedService<OutboxRelay>();
        return services;
    }
}
