using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Leases;

public static class LeaseRegistration
{
    /// <summary>
    /// What single-replica work needs beside the store's <see cref="ILeaseStore"/>: this instance's holder id and
    /// <see cref="LeasedWork"/>, with settings <c>Leases</c> bound from the app's configuration and checked at start.
    /// Each storage adapter calls it, so every app with a store has leases.
    /// </summary>
    public static IServiceCollection AddLeases(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LeaseHolder>();
        services.TryAddSingleton<LeasedWork>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeaseOptions>, LeaseOptionsValidator>());
        // Bound from the app's configuration when it has one; a bare container (a test's) gets the defaults.
        services.AddOptions<LeaseOptions>()
            .Configure<IServiceProvider>((settings, provider) => provider.GetService<IConfiguration>()?.GetSection(LeaseOptions.Section).Bind(settings))
            .ValidateOnStart();
        return services;
    }
}
