using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.Eventing.Dapr.Tests;

/// <summary>The sidecar check of /healthz against a local listener that plays the sidecar's health endpoint.</summary>
public sealed class DaprSidecarHealthCheckTests
{
    [Fact]
    public async Task A_sidecar_that_answers_204_at_its_outbound_health_endpoint_is_healthy()
    {
        await using var sidecar = await FakeSidecar.StartAsync(StatusCodes.Status204NoContent);

        var result = await CheckAsync(sidecar.Port);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal([DaprSidecarHealthCheck.OutboundHealthPath], sidecar.Paths);
    }

    [Fact]
    public async Task A_sidecar_whose_components_are_not_ready_is_unhealthy()
    {
        await using var sidecar = await FakeSidecar.StartAsync(StatusCodes.Status500InternalServerError);

        var result = await CheckAsync(sidecar.Port);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("500", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_sidecar_on_the_configured_port_is_unhealthy()
    {
        int port;
        // A port that was free a moment ago: nothing listens there.
        await using (var gone = await FakeSidecar.StartAsync(StatusCodes.Status204NoContent))
        {
            port = gone.Port;
        }

        var result = await CheckAsync(port);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(port.ToString(CultureInfo.InvariantCulture), result.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 3500)]
    [InlineData("", 3500)]
    [InlineData("abc", 3500)]
    [InlineData("70000", 3500)]
    [InlineData("3511", 3511)]
    public void The_address_is_loopback_at_DAPR_HTTP_PORT_or_Dapr_s_default(string? configured, int expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DAPR_HTTP_PORT"] = configured }).Build();

        Assert.Equal(new Uri($"http://127.0.0.1:{expected}/v1.0/healthz/outbound"), DaprSidecarHealthCheck.OutboundAddress(configuration));
    }

    [Fact]
    public void The_Dapr_eventing_registration_adds_the_sidecar_check_to_healthz()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddDaprEventing(configuration);
        using var provider = services.BuildServiceProvider();

        var registration = Assert.Single(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations,
            r => r.Name == "sidecar");
        Assert.IsType<DaprSidecarHealthCheck>(registration.Factory(provider));
        // Readiness only: not tagged "live", so /alive never restarts an app for its sidecar.
        Assert.DoesNotContain("live", registration.Tags);
    }

    private static async Task<HealthCheckResult> CheckAsync(int port)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DAPR_HTTP_PORT"] = port.ToString(CultureInfo.InvariantCulture) })
            .Build();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var check = new DaprSidecarHealthCheck(http, configuration);
        return await check.CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("sidecar", check, failureStatus: null, tags: null),
        }, TestContext.Current.CancellationToken);
    }

    /// <summary>Kestrel on a loopback port playing the sidecar: one status at the outbound health path, 404 elsewhere.</summary>
    private sealed class FakeSidecar(WebApplication app, int port, List<string> paths) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public IReadOnlyList<string> Paths => paths;

        public static async Task<FakeSidecar> StartAsync(int status)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var paths = new List<string>();
            app.Run(context =>
            {
                lock (paths)
                {
                    paths.Add(context.Request.Path.Value ?? "");
                }
                context.Response.StatusCode = context.Request.Path == DaprSidecarHealthCheck.OutboundHealthPath && HttpMethods.IsGet(context.Request.Method)
                    ? status
                    : StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
            return new FakeSidecar(app, address.Port, paths);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
