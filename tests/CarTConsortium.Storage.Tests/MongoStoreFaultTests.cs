using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.MongoDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>Issue 15, failure 8 at the MongoDB adapter: a database that takes no writes makes the store check Unhealthy.</summary>
public sealed class MongoStoreFaultTests
{
    [Fact]
    public async Task A_database_that_cannot_be_reached_is_unhealthy_naming_it()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks();
        // Nothing listens on port 1; half a second to find a server instead of thirty.
        services.AddMongoStorage(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:MongoDb:ConnectionString"] = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500",
            ["Storage:MongoDb:Database"] = "slots",
        }).Build());
        await using var provider = services.BuildServiceProvider();

        var store = (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["store"];

        Assert.Equal(HealthStatus.Unhealthy, store.Status);
        Assert.StartsWith("The MongoDB database slots does not take writes", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reachable_database_takes_the_probe_write_and_is_healthy()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable(MongoStorageContractTests.UriVariable) is not { Length: > 0 },
            $"No MongoDB server here: set {MongoStorageContractTests.UriVariable} to run it.");
        var name = $"cartc_test_{Guid.NewGuid():N}";
        using var client = new MongoDB.Driver.MongoClient(Environment.GetEnvironmentVariable(MongoStorageContractTests.UriVariable));
        try
        {
            var check = new MongoStoreHealthCheck(new MongoDocumentStore(client.GetDatabase(name), new OutboxSignal()), TimeProvider.System);

            var result = await check.CheckHealthAsync(new HealthCheckContext());

            Assert.Equal(HealthStatus.Healthy, result.Status);
        }
        finally
        {
            await client.DropDatabaseAsync(name);
        }
    }
}
