using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CarTConsortium.Storage.Sqlite;

public static class SqliteStorageRegistration
{
    /// <summary>Gives the app one SQLite file as its database, outbox, inbox and dead-letter store.</summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string databasePath)
    {
        services.TryAddSingleton<OutboxSignal>();
        services.AddSingleton(sp => new SqliteDocumentStore(databasePath, sp.GetRequiredService<OutboxSignal>()));
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IOutbox>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IInbox>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        services.AddSingleton<IDeadLetterStore>(sp => sp.GetRequiredService<SqliteDocumentStore>());
        return services;
    }
}
