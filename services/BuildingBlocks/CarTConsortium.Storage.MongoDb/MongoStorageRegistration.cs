using CarTConsortium.BuildingBlocks.Leases;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

public static class MongoStorageRegistration
{
    // Keyed, so the client this store owns is never mistaken for one an app registers itself.
    private const string ClientKey = "CarTConsortium.Storage.MongoDb";

    /// <summary>
    /// Registers one <see cref="MongoDocumentStore"/> as the storage port (documents, outbox,
    /// inbox, dead letters), configured from <c>Storage:MongoDb</c>, prepares its
    /// collections and indexes at start-up, and adds a store check (ping and probe write) to the health report.
    /// </summary>
    public static IServiceCollection AddMongoStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedSettings<MongoStorageOptions, MongoStorageOptionsValidator>(configuration);

        services.TryAddSingleton<OutboxSignal>();
        // Created by the container, so the container disposes it (and its connection pool) at shutdown.
        services.AddKeyedSingleton<IMongoClient>(ClientKey, (provider, _) =>
            new MongoClient(provider.GetRequiredService<IOptions<MongoStorageOptions>>().Value.ConnectionString));
        services.AddSingleton(provider => new MongoDocumentStore(
            provider.GetRequiredKeyedService<IMongoClient>(ClientKey)
                .GetDatabase(provider.GetRequiredService<IOptions<MongoStorageOptions>>().Value.Database),
            provider.GetRequiredService<OutboxSignal>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDocumentStore>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IOutbox>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IInbox>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IDeadLetterStore>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IDeliveryAttemptStore>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IDeadLetterOperations>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<ILeaseStore>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IOutboxOperations>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IEventRetention>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IKeyIndexes>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IKeyBackfill>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IIdempotencyKeyRetention>(provider => provider.GetRequiredService<MongoDocumentStore>());
        services.AddLeases();
        services.AddHostedService<MongoSchemaInitializer>();
        services.TryAddSingleton(TimeProvider.System);
        // Only the check's registration: the app's own health wiring (ServiceDefaults) brings the health service.
        services.Configure<HealthCheckServiceOptions>(health => health.Registrations.Add(
            new HealthCheckRegistration("store", sp => ActivatorUtilities.CreateInstance<MongoStoreHealthCheck>(sp), failureStatus: null, tags: null)));
        return services;
    }
}

/// <summary>
/// Fails start-up early when the database is unreachable or cannot run transactions, instead of
/// on the first request; then creates the declared collections' indexes and back-fills new keys.
/// </summary>
internal sealed class MongoSchemaInitializer(MongoDocumentStore store, IEnumerable<IDocumentCollection> collections) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.CheckDeploymentAsync(cancellationToken);
        await store.EnsureSchemaAsync(cancellationToken);
        await store.PrepareCollectionsAsync(collections, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
