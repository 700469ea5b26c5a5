using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace CarTConsortium.Gateway;

/// <summary>
/// Reports what YARP's active health probes see of each cluster. A service that is down
/// degrades the gateway's health but does not fail it: the gateway still serves the rest.
/// </summary>
public sealed class DownstreamHealthCheck(IProxyStateLookup proxy) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var clusters = proxy.GetClusters().ToDictionary(
            cluster => cluster.ClusterId,
            cluster => (object)Summarise(cluster.Destinations.Values.Select(d => d.Health.Active)));
        var allHealthy = clusters.Values.All(state => (string)state == nameof(DestinationHealth.Healthy));
        return Task.FromResult(allHealthy
            ? HealthCheckResult.Healthy("Every downstream service answers its health probe.", clusters)
            : HealthCheckResult.Degraded("Some downstream services are unhealthy or not probed yet.", data: clusters));
    }

    private static string Summarise(IEnumerable<DestinationHealth> destinations)
    {
        var states = destinations.ToList();
        return states.Count > 0 && states.TrueForAll(s => s == DestinationHealth.Healthy) ? nameof(DestinationHealth.Healthy)
            : states.Contains(DestinationHealth.Unhealthy) ? nameof(DestinationHealth.Unhealthy)
            : nameof(DestinationHealth.Unknown);
    }
}
