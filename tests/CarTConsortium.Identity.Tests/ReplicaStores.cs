using CarTConsortium.Identity.Keys;
using CarTConsortium.Identity.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// The storage side of one replica without a web host: its own container (so its own connection pool
/// and key ring) on a database it may share with other replicas.
/// </summary>
internal static class ReplicaStores
{
    public static IdentitySettings Settings(string databaseFile) => new()
    {
        Issuer = "http://127.0.0.1:5000/",
        RequireHttps = false,
        Database = $"Data Source={databaseFile}",
        SigningKeys = { EncryptionKey = IdentityProviderHost.EncryptionKey },
    };

    public static ServiceProvider Replica(IdentitySettings settings, TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(settings);
        services.AddSingleton(clock);
        services.AddIdentityStore(settings);
        services.AddSingleton<KeyProtector>();
        services.AddSingleton<SigningKeyRing>();
        return services.BuildServiceProvider();
    }

    public static async Task MigrateAsync(IServiceProvider replica)
    {
        await using var scope = replica.CreateAsyncScope();
        await SchemaUpgrade.MigrateAsync(scope.ServiceProvider.GetRequiredService<IdentityStore>(), CancellationToken.None);
    }
}
