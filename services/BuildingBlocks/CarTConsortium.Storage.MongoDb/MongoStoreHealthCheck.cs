using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// The store part of <c>/healthz</c> in the distributed mode: Healthy only while the service's
/// database answers a ping and takes a probe write with majority acknowledgement.
/// </summary>
public sealed class MongoStoreHealthCheck(MongoDocumentStore store, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["database"] = store.DatabaseName };
        try
        {
            await store.ProbeWriteAsync(clock.GetUtcNow(), cancellationToken);
            return HealthCheckResult.Healthy($"The MongoDB database {store.DatabaseName} answers and takes writes", data);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"The MongoDB database {store.DatabaseName} does not take writes: {e.Message}", data: data);
        }
    }
}
