using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CarTConsortium.Eventing.Dapr;

/// <summary>
/// The sidecar part of <c>/healthz</c> in the distributed mode: Healthy only while the local Dapr
/// sidecar says its outbound side (components, pub/sub) is ready. A replica whose sidecar is down
/// cannot publish its outbox or receive events, so it is taken out of service, not restarted
/// (readiness, not liveness: restarting the app does not bring the sidecar back).
/// </summary>
public sealed class DaprSidecarHealthCheck(HttpClient http, IConfiguration configuration) : IHealthCheck
{
    /// <summary>The key of the check's own HTTP client (short timeout, no retries: a probe must answer fast).</summary>
    public const string ClientKey = "dapr-sidecar-health";

    /// <summary>Dapr's default HTTP port when the injector sets no DAPR_HTTP_PORT.</summary>
    public const int DefaultHttpPort = 3500;

    /// <summary>Dapr's endpoint that answers 204 once the sidecar can serve the app's outbound calls.</summary>
    public const string OutboundHealthPath = "/v1.0/healthz/outbound";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var address = OutboundAddress(configuration);
        var data = new Dictionary<string, object> { ["address"] = address.ToString() };
        try
        {
            using var response = await http.GetAsync(address, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy("The Dapr sidecar is ready", data)
                : HealthCheckResult.Unhealthy($"The Dapr sidecar answered {(int)response.StatusCode} at {OutboundHealthPath}", data: data);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The Dapr sidecar does not answer at {address}: {e.Message}", data: data);
        }
    }

    /// <summary>The sidecar's outbound health address on loopback: the sidecar shares the pod's network namespace.</summary>
    public static Uri OutboundAddress(IConfiguration configuration)
    {
        var configured = configuration["DAPR_HTTP_PORT"];
        var port = int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 65535
            ? value
            : DefaultHttpPort;
        return new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{OutboundHealthPath}");
    }
}

public static class DaprSidecarHealthRegistration
{
    /// <summary>Adds <see cref="DaprSidecarHealthCheck"/> as the "sidecar" check of <c>/healthz</c> (not of <c>/alive</c>).</summary>
    public static IServiceCollection AddDaprSidecarHealthCheck(this IServiceCollection services)
    {
        // Its own client, outside the HTTP client factory: the platform's default resilience handler
        // retries, and a probe that retries hides a dead sidecar for longer than the probe's own timeout.
        services.TryAddKeyedSingleton(DaprSidecarHealthCheck.ClientKey, (_, _) => new HttpClient { Timeout = TimeSpan.FromSeconds(2) });
        // Only the check's registration: the app's own health wiring (ServiceDefaults) brings the health service.
        services.Configure<HealthCheckServiceOptions>(health => health.Registrations.Add(
            new HealthCheckRegistration("sidecar", sp => new DaprSidecarHealthCheck(
                sp.GetRequiredKeyedService<HttpClient>(DaprSidecarHealthCheck.ClientKey), sp.GetRequiredService<IConfiguration>()), failureStatus: null, tags: null)));
        return services;
    }
}
