using System.Text.Json;
using CarTConsortium.BuildingBlocks.Eventing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CarTConsortium.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>Set by a host that runs several apps in one process and owns their traces and metrics.</summary>
    public const string ProcessTelemetryKey = "Telemetry:OwnedByHost";

    /// <summary>The tracing and metering names of the platform's own code.</summary>
    public const string PlatformSources = "CarTConsortium.*";

    /// <summary>Wires telemetry, health checks, HTTP resilience and gRPC (with JSON transcoding and error mapping).</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        var appId = builder.Configuration[$"{EventingOptions.Section}:{nameof(EventingOptions.AppId)}"] ?? builder.Environment.ApplicationName;
        builder.AddTelemetry(appId);

        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);
        builder.Services.AddGrpcHealthChecks();

        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorMappingInterceptor>();
            // Inside the error mapping, which turns its refusal into INVALID_ARGUMENT.
            options.Interceptors.Add<UnsafeTextInterceptor>();
            // Details of unexpected exceptions stay in the logs, never in a response.
            options.EnableDetailedErrors = false;
        }).AddJsonTranscoding(options =>
            // REST/JSON error bodies carry the same google.rpc details as gRPC trailers.
            options.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        builder.Services.AddGrpcReflection();

        // Responses do not advertise the server software; headers and refused methods as PlatformHttpDefaults says.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddTransient<IStartupFilter, PlatformHttpDefaults>();

        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        // TryAdd: a host or test that brought its own clock keeps it.
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Maps <c>/healthz</c> (JSON, every check: readiness), <c>/alive</c> (the process answers: liveness),
    /// the gRPC health service, and gRPC reflection in development.
    /// </summary>
    /// <param name="reflection">Whether to map gRPC reflection; by default only in development.</param>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, bool? reflection = null)
    {
        // Probes and tooling need no token; they carry no consortium data.
        // After routing (the endpoint names the request message), before the transcoder reads the body.
        app.Use(Transcoding.TranscodedBodyGuard.InvokeAsync);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        // Liveness asks only whether the process answers: a store or issuer outage makes an app
        // unready (/healthz), and restarting it would not bring the store back.
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
            ResponseWriter = WriteHealthAsync,
        }).AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        if (reflection ?? app.Environment.IsDevelopment())
        {
            app.MapGrpcReflectionService().AllowAnonymous();
        }
        return app;
    }

    /// <summary>
    /// Tracing and metering for a whole process. Listeners are process-wide, so a host that
    /// runs several apps creates these once; otherwise every span would be exported once per app.
    /// </summary>
    public static TracerProviderBuilder AddPlatformTracing(this TracerProviderBuilder tracing) => tracing
        .AddSource(PlatformSources)
        .AddSource("Yarp.ReverseProxy")
        .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz") && !context.Request.Path.StartsWithSegments("/alive"))
        .AddGrpcClientInstrumentation()
        .AddHttpClientInstrumentation();

    public static MeterProviderBuilder AddPlatformMetrics(this MeterProviderBuilder metrics) => metrics
        .AddMeter(PlatformSources)
        .AddAspNetCoreInstrumentation()
        .AddHttpClientInstrumentation()
        .AddRuntimeInstrumentation();

    /// <summary>OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT names a collector.</summary>
    public static bool OtlpConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    private static void AddTelemetry(this WebApplicationBuilder builder, string appId)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService(appId));
        if (!builder.Configuration.GetValue<bool>(ProcessTelemetryKey))
        {
            telemetry.WithTracing(t => t.AddPlatformTracing()).WithMetrics(m => m.AddPlatformMetrics());
        }
        if (OtlpConfigured(builder.Configuration))
        {
            telemetry.UseOtlpExporter();
        }
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
