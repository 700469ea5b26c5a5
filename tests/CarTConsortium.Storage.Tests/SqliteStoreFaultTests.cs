using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// Issue 15, failure 8 at the SQLite adapter: a damaged file is named with its service, and the
/// store's health check says Unhealthy, naming the store, when writes fail or the disk runs low.
/// </summary>
public sealed class SqliteStoreFaultTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-store-faults-");

    private string DatabasePath => Path.Combine(_folder, "slots.db");

    [Fact]
    public async Task A_database_overwritten_with_garbage_is_refused_naming_the_file_and_the_service()
    {
        await new SqliteDocumentStore(DatabasePath, new OutboxSignal(), "slots").File.ProbeWriteAsync(DateTimeOffset.UtcNow, default);
        SqliteConnection.ClearAllPools();
        WriteGarbageOver(DatabasePath);

        var error = Assert.Throws<StoreUnavailableException>(() => new SqliteDocumentStore(DatabasePath, new OutboxSignal(), "slots"));

        Assert.Contains($"The slots database {DatabasePath} is damaged or not a SQLite database", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore the file from a backup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_healthy_store_says_so_after_a_real_write()
    {
        await using var services = Services(minFreeDiskMegabytes: 0);

        var store = (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[SqliteStorageRegistration.HealthCheckName];

        Assert.Equal(HealthStatus.Healthy, store.Status);
        Assert.Equal(DatabasePath, store.Data["file"]);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var probes = connection.CreateCommand();
        probes.CommandText = "SELECT COUNT(*) FROM health_probe";
        Assert.Equal(1L, await probes.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_disk_below_the_configured_floor_is_unhealthy_naming_the_store_and_the_setting()
    {
        // A floor of 10 TB: above the free space of any disk these tests run on.
        await using var services = Services(minFreeDiskMegabytes: 10_000_000);

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        var store = report.Entries[SqliteStorageRegistration.HealthCheckName];
        Assert.Contains($"The disk of the slots database {DatabasePath} has", store.Description, StringComparison.Ordinal);
        Assert.Contains("below the floor of 10000000 MiB (Storage:Sqlite:MinFreeDiskMegabytes)", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_whose_file_is_damaged_while_it_runs_is_unhealthy_because_writes_fail()
    {
        await using var services = Services(minFreeDiskMegabytes: 0);
        var health = services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        SqliteConnection.ClearAllPools();
        WriteGarbageOver(DatabasePath);

        var store = (await health.CheckHealthAsync()).Entries[SqliteStorageRegistration.HealthCheckName];
        Assert.Equal(HealthStatus.Unhealthy, store.Status);
        Assert.Contains($"The slots database {DatabasePath} does not take writes", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_cannot_be_opened_is_unhealthy_naming_the_file()
    {
        WriteGarbageOver(DatabasePath);
        await using var services = Services(minFreeDiskMegabytes: 0);

        var store = (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[SqliteStorageRegistration.HealthCheckName];

        Assert.Equal(HealthStatus.Unhealthy, store.Status);
        Assert.Contains($"The slots database {DatabasePath} is damaged", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_floor_out_of_range_is_refused_naming_the_setting()
    {
        await using var services = Services(minFreeDiskMegabytes: -1);

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SqliteStorageOptions>>().Value);

        Assert.Contains("Storage:Sqlite:MinFreeDiskMegabytes = '-1': must be 0-10000000 (MiB)", error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Services(long minFreeDiskMegabytes)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:MinFreeDiskMegabytes"] = minFreeDiskMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build());
        services.AddSqliteStorage(DatabasePath, "slots");
        return services.BuildServiceProvider();
    }

    private static void WriteGarbageOver(string path)
    {
        var garbage = new byte[8192];
        new Random(15).NextBytes(garbage);
        File.WriteAllBytes(path, garbage);
        foreach (var companion in new[] { "-wal", "-shm" })
        {
            File.Delete(path + companion);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
