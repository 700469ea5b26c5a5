using CarTConsortium.BuildingBlocks.Leases;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Storage.Sqlite;

public static class SqliteStorageRegistration
{
    /// <summary>The name of the store's entry in <c>/healthz</c>.</summary>
    public const string HealthCheckName = "store";

    /// <summary>
    /// Gives the app one SQLite file as its database, outbox, inbox and dead-letter store, and a
    /// store check in its health report (settings <c>Storage:Sqlite</c>, checked at start).
    /// </summary>
    /// <param name="service">The service the file belongs to, named in its errors; by default the file's name.</param>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string databasePath, string? service = null)
    {
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new SqliteDocumentStore(databasePath, sp.GetRequiredService<OutboxSignal>(), service, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IOutbox>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IInbox>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IDeadLetterStore>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IDeliveryAttemptStore>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IDeadLetterOperations>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddHostedService<SqliteCollectionsInitializer>();
        services.AddSingleton<ILeaseStore>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IOutboxOperations>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IEventRetention>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IKeyIndexes>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IKeyBackfill>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IIdempotencyKeyRetention>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddLeases();

        // Bound from the app's own configuration when its container is built (the wiring needs no value of it).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStorageOptions>, SqliteStorageOptionsValidator>());
        services.AddOptions<SqliteStorageOptions>().BindConfiguration(SqliteStorageOptions.Section).ValidateOnStart();
        // Only the check's registration: the app's own health wiring (ServiceDefaults) brings the health service.
        services.Configure<HealthCheckServiceOptions>(health => health.Registrations.Add(
            new HealthCheckRegistration(HealthCheckName, sp => ActivatorUtilities.CreateInstance<SqliteStoreHealthCheck>(sp), failureStatus: null, tags: null)));
        return services;
    }
}
