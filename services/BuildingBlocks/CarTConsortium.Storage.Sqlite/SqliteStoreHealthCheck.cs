using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// The store part of <c>/healthz</c>: Healthy only while the database takes a real write (a probe
/// row in a table of its own) and its disk keeps the configured floor of free space. A store that
/// cannot even be opened (damaged file) is Unhealthy too, with the file and the service named.
/// </summary>
public sealed class SqliteStoreHealthCheck(IServiceProvider services, IOptions<SqliteStorageOptions> options, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        SqliteFile file;
        try
        {
            file = services.GetRequiredService<SqliteDocumentStore>().File;
        }
        catch (StoreUnavailableException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
        var data = new Dictionary<string, object> { ["service"] = file.Owner, ["file"] = file.FullPath };
        try
        {
            await file.ProbeWriteAsync(clock.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"The {file.Owner} database {file.FullPath} does not take writes: {e.Message}", data: data);
        }

        var floor = options.Value.MinFreeDiskMegabytes;
        var free = FreeMegabytes(file.FullPath);
        data["freeDiskMegabytes"] = free;
        data["minFreeDiskMegabytes"] = floor;
        return free < floor
            ? HealthCheckResult.Unhealthy(
                $"The disk of the {file.Owner} database {file.FullPath} has {free} MiB free, below the floor of {floor} MiB ({SqliteStorageOptions.Section}:{nameof(SqliteStorageOptions.MinFreeDiskMegabytes)})",
                data: data)
            : HealthCheckResult.Healthy($"The {file.Owner} database takes writes; {free} MiB free on its disk", data);
    }

    private static long FreeMegabytes(string path) =>
        new DriveInfo(Path.GetDirectoryName(path) ?? path).AvailableFreeSpace / (1024 * 1024);
}
