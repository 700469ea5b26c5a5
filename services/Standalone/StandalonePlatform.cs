using CarTConsortium.Approvals;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.Gateway;
using CarTConsortium.Identity;
using CarTConsortium.Portal;
using CarTConsortium.Procurement;
using CarTConsortium.Registry;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Operations;
using CarTConsortium.Slots;
using CarTConsortium.Storage.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CarTConsortium.Standalone;

/// <summary>
/// Runs the demo country identity providers, every module and the gateway in one process.
/// Each is a full ASP.NET Core app with its own container, configuration and ports; they
/// share only the embedded bus and the process's telemetry, exactly what the distributed
/// mode gets from Dapr and the collector, and trust the providers exactly as deployed apps
/// would: by issuer URL, fetching discovery documents and keys over HTTP.
/// </summary>
public sealed class StandalonePlatform : IAsyncDisposable
{
    private readonly Dictionary<string, WebApplication> _providers;
    private readonly Dictionary<string, WebApplication> _services;
    private readonly WebApplication _gateway;
    private readonly WebApplication? _portal;
    private readonly EmbeddedBus _bus;
    private readonly IDisposable[] _telemetry;

    private StandalonePlatform(Dictionary<string, WebApplication> providers, Dictionary<string, WebApplication> services, WebApplication gateway,
        WebApplication? portal, EmbeddedBus bus, IDisposable[] telemetry, StandaloneOptions options)
    {
        _providers = providers;
        _services = services;
        _gateway = gateway;
        _portal = portal;
        _bus = bus;
        _telemetry = telemetry;
        var ports = options.Ports[GatewayAppId];
        GatewayHttp = new Uri($"http://127.0.0.1:{ports.HttpPort}");
        GatewayGrpc = new Uri($"http://127.0.0.1:{ports.GrpcPort}");
        Issuers = IdentityProviders.ToDictionary(id => id, id => IssuerOf(options, id));
        Portal = portal is null ? null : PortalAddress(options);
    }

    public const string GatewayAppId = "gateway";

    /// <summary>The portal runs when the ports plan it (the port plan does; tests that need no browser leave it out).</summary>
    public const string PortalAppId = PortalModule.Id;

    /// <summary>The service modules, in the order they start.</summary>
    public static IReadOnlyList<IServiceModule> Modules { get; } = [new RegistryModule(), new ProcurementModule(), new ApprovalsModule(), new SlotsModule()];

    /// <summary>
    /// The demo identity providers: the consortium's and one per member country, each
    /// configured by identity/&lt;app id&gt;.json (its country, clients and users).
    /// </summary>
    public static IReadOnlyList<string> IdentityProviders { get; } = ["identity-consortium", "identity-kz", "identity-uz", "identity-kg"];

    /// <summary>
    /// A port plan of every app (and the portal when asked) on ports <paramref name="freePort"/> hands
    /// out, e.g. free loopback ports for a test, instead of the fixed plan of appsettings.json.
    /// </summary>
    public static IReadOnlyDictionary<string, AppPorts> PortsFrom(Func<int> freePort, bool portal)
    {
        var ports = new Dictionary<string, AppPorts>();
        foreach (var app in Modules.Select(m => m.AppId).Prepend(GatewayAppId))
        {
            ports[app] = new AppPorts(freePort(), freePort());
        }
        foreach (var app in portal ? IdentityProviders.Append(PortalAppId) : IdentityProviders)
        {
            ports[app] = new AppPorts(freePort());
        }
        return ports;
    }

    /// <summary>Each identity provider's issuer URL, by app id.</summary>
    public IReadOnlyDictionary<string, Uri> Issuers { get; }

    /// <summary>REST/JSON and health through the gateway (HTTP/1.1).</summary>
    public Uri GatewayHttp { get; }

    /// <summary>gRPC through the gateway (HTTP/2 without TLS).</summary>
    public Uri GatewayGrpc { get; }

    /// <summary>The portal people open in a browser; null when the ports plan none.</summary>
    public Uri? Portal { get; }

    public IServiceProvider ServicesOf(string appId) => appId == GatewayAppId ? _gateway.Services
        : _services.TryGetValue(appId, out var service) ? service.Services
        : _providers[appId].Services;

    /// <summary>
    /// Services whose database was missing or damaged at start: those not started (the others run without
    /// them and the gateway reports them unhealthy) and those rebuilt empty by a replay.
    /// </summary>
    public IReadOnlyList<StoreNotice> StoreNotices { get; private init; } = [];

    /// <exception cref="StoreUnavailableException">The event bus's own file is damaged: nothing can run without it.</exception>
    public static async Task<StandalonePlatform> StartAsync(StandaloneOptions options, CancellationToken ct = default)
    {
        // The folder holds every service's data and the providers' keys: the owner's alone.
        PrivateFiles.EnsureFolder(options.DataFolder, tightenExisting: true);
        var telemetry = StartProcessTelemetry();
        var bus = new EmbeddedBus(Path.Combine(options.DataFolder, "bus.db"), options.Clock);

        // The providers first: every other app fetches their keys to check its first token.
        var providers = new Dictionary<string, WebApplication>();
        foreach (var appId in IdentityProviders)
        {
            var module = new IdentityModule(appId);
            var builder = CreateBuilder(module, options, ProviderSettings(options, appId));
            module.AddServices(builder);
            var app = builder.Build();
            app.MapDefaultEndpoints(reflection: false);
            module.MapEndpoints(app);
            await app.StartAsync(ct);
            providers[appId] = app;
        }
        var federation = FederationSettings(options, providers).ToList();

        var services = new Dictionary<string, WebApplication>();
        var notices = new List<StoreNotice>();
        foreach (var module in Modules)
        {
            var databasePath = Path.Combine(options.DataFolder, module.AppId + ".db");
            var existed = File.Exists(databasePath);
            var missing = await ServiceStores.CheckMissingAsync(module.AppId, databasePath, bus, options.RebuildMissingStores, ct);
            var builder = CreateBuilder(module, options, federation);
            builder.Services.AddSqliteStorage(databasePath, module.AppId);
            builder.Services.AddEmbeddedEventing(bus, builder.Configuration);
            module.AddServices(builder);
            builder.Services.AddEventOperations(scope: module.AppId);
            builder.AddOutboxOperations(module.AppId);
            var app = builder.Build();
            var notice = missing ?? OpenStore(module.AppId, databasePath, app);
            if (notice is null && !existed && await bus.HasServedAsync(module.AppId, ct))
            {
                notice = await ServiceStores.RebuildAsync(module.AppId, databasePath, bus, ct);
            }
            if (notice is not null)
            {
                notices.Add(notice);
                StandaloneLog.StoreNotice(app.Logger, notice.Started ? LogLevel.Warning : LogLevel.Error, notice.Message);
            }
            if (notice is { Started: false })
            {
                // One broken service does not take the others down: they run, and the gateway reports it unhealthy.
                await app.DisposeAsync();
                continue;
            }
            app.MapDefaultEndpoints();
            module.MapEndpoints(app);
            app.MapEventOperations();
            app.MapOutboxOperations();
            services[module.AppId] = app;
        }

        // Every app subscribes while it starts; only then may events flow (see EmbeddedBus.Open).
        foreach (var app in services.Values)
        {
            await app.StartAsync(ct);
        }
        bus.Open();
        if (options.DemoData)
        {
            foreach (var module in Modules.Where(m => services.ContainsKey(m.AppId)))
            {
                await module.SeedDemoDataAsync(services[module.AppId].Services, ct);
            }
        }
        // Built last: YARP starts probing its destinations as soon as its routes are mapped.
        var gatewayModule = new GatewayModule();
        var gatewayBuilder = CreateBuilder(gatewayModule, options, federation.Concat(GatewayDestinations(options)));
        gatewayModule.AddServices(gatewayBuilder);
        var gateway = gatewayBuilder.Build();
        gateway.MapDefaultEndpoints(reflection: false);
        gatewayModule.MapEndpoints(gateway);
        await gateway.StartAsync(ct);

        WebApplication? portal = null;
        if (options.Ports.ContainsKey(PortalAppId))
        {
            // A client of the gateway like any other: the same trusted providers, the gateway's gRPC address.
            var portalModule = new PortalModule();
            // Its pages link to the gateway's API reference at the address people reach it on.
            var portalBuilder = CreateBuilder(portalModule, options, federation.Concat(new Dictionary<string, string?>
            {
                [$"{PortalOptions.Section}:{nameof(PortalOptions.GatewayGrpc)}"] = $"http://127.0.0.1:{options.Ports[GatewayAppId].GrpcPort}",
                [$"{PortalOptions.Section}:{nameof(PortalOptions.ApiReference)}"] = $"http://127.0.0.1:{options.Ports[GatewayAppId].HttpPort}/",
            }));
            portalModule.AddServices(portalBuilder);
            portal = portalBuilder.Build();
            portal.MapDefaultEndpoints(reflection: false);
            portalModule.MapEndpoints(portal);
            await portal.StartAsync(ct);
        }
        return new StandalonePlatform(providers, services, gateway, portal, bus, telemetry, options) { StoreNotices = notices };
    }

    /// <summary>Opens the service's database now, so that a damaged file is found before the app starts, not by its first request.</summary>
    private static StoreNotice? OpenStore(string appId, string databasePath, WebApplication app)
    {
        try
        {
            _ = app.Services.GetRequiredService<SqliteDocumentStore>();
            return null;
        }
        catch (StoreUnavailableException e)
        {
            return ServiceStores.Broken(appId, databasePath, e);
        }
    }

    /// <summary>Stops the gateway first (no new requests), then the services, then the bus.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.StopAsync();
            await _portal.DisposeAsync();
        }
        await _gateway.StopAsync();
        await _gateway.DisposeAsync();
        foreach (var app in _services.Values.Reverse().Concat(_providers.Values.Reverse()))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _bus.Dispose();
        foreach (var provider in _telemetry)
        {
            provider.Dispose();
        }
    }

    private static WebApplicationBuilder CreateBuilder(IServiceModule module, StandaloneOptions options, IEnumerable<KeyValuePair<string, string?>> more)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = module.GetType().Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        var ports = options.Ports[module.AppId];
        var endpoints = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{ports.HttpPort}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
        };
        if (ports.GrpcPort != 0)
        {
            endpoints["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{ports.GrpcPort}";
            endpoints["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        }
        // The registry takes the demo's published pseudonymisation secrets (appsettings.json) only for the demo;
        // a source of its own, so that the settings below may override it.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registry:Pseudonymisation:AllowDemoSecrets"] = options.DemoData ? "true" : "false",
        });
        builder.Configuration.AddInMemoryCollection(endpoints
            .Concat(new Dictionary<string, string?>
            {
                ["Eventing:AppId"] = module.AppId,
                [ServiceDefaultsExtensions.ProcessTelemetryKey] = "true",
            })
            .Concat(options.Settings)
            .Concat(more)
            .Concat(options.AppSettings.GetValueOrDefault(module.AppId) ?? new Dictionary<string, string?>()));
        // The standalone process owns Ctrl-C and the order of shutdown, not each app.
        builder.Services.AddSingleton<IHostLifetime, LifetimeOwnedByHost>();
        if (options.Clock is { } clock)
        {
            builder.Services.AddSingleton(clock);
        }
        builder.AddServiceDefaults();
        return builder;
    }

    private static Uri IssuerOf(StandaloneOptions options, string provider) => new($"http://127.0.0.1:{options.Ports[provider].HttpPort}/");

    private static Uri PortalAddress(StandaloneOptions options) => new($"http://127.0.0.1:{options.Ports[PortalAppId].HttpPort}/");

    /// <summary>A provider's demo file (country, clients, users) and what only the host knows: its URL and database file.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> ProviderSettings(StandaloneOptions options, string provider)
    {
        var demo = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "identity", provider + ".json"), optional: false)
            .Build();
        return demo.AsEnumerable()
            .Concat(new Dictionary<string, string?>
            {
                ["Identity:Issuer"] = IssuerOf(options, provider).ToString(),
                ["Identity:Database"] = $"Data Source={Path.Combine(options.DataFolder, provider + ".db")}",
                // Loopback only: the standalone mode has no certificates.
                ["Identity:RequireHttps"] = "false",
            })
            .Concat(PortalClientSettings(options, provider, demo));
    }

    /// <summary>
    /// The portal's sign-in and sign-out callbacks at this provider, at the port the portal really
    /// listens on (8400 by the plan, shifted by --port-offset, or a test's free port).
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string?>> PortalClientSettings(StandaloneOptions options, string provider, IConfiguration demo)
    {
        var clients = demo.GetSection("Identity:Clients").GetChildren().ToList();
        var client = clients.FirstOrDefault(c => c["ClientId"] == PortalOptions.DefaultClientId);
        if (client is null || !options.Ports.ContainsKey(PortalAppId))
        {
            yield break;
        }
        var key = provider == "identity-consortium" ? "consortium" : provider["identity-".Length..];
        var portal = PortalAddress(options);
        var redirects = client.GetSection("RedirectUris").GetChildren().Count();
        var postLogout = client.GetSection("PostLogoutRedirectUris").GetChildren().Count();
        yield return KeyValuePair.Create($"{client.Path}:RedirectUris:{redirects}", (string?)new Uri(portal, "callback/" + key).ToString());
        yield return KeyValuePair.Create($"{client.Path}:PostLogoutRedirectUris:{postLogout}", (string?)new Uri(portal, "signed-out/" + key).ToString());
    }

    /// <summary>Every other app trusts each provider for the country its own settings name (or the consortium).</summary>
    private static IEnumerable<KeyValuePair<string, string?>> FederationSettings(StandaloneOptions options, Dictionary<string, WebApplication> providers)
    {
        yield return KeyValuePair.Create("Federation:RequireHttpsMetadata", (string?)"false");
        var index = 0;
        foreach (var (appId, provider) in providers)
        {
            var country = provider.Services.GetRequiredService<IdentitySettings>().Country;
            yield return KeyValuePair.Create($"Federation:Issuers:{index}:Issuer", (string?)IssuerOf(options, appId).ToString());
            yield return string.IsNullOrEmpty(country)
                ? KeyValuePair.Create($"Federation:Issuers:{index}:Consortium", (string?)"true")
                : KeyValuePair.Create($"Federation:Issuers:{index}:Country", (string?)country);
            index++;
        }
    }

    /// <summary>The gateway's cluster destinations, pointed at this process's loopback ports.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> GatewayDestinations(StandaloneOptions options) =>
        Modules.SelectMany(m => new[]
        {
            KeyValuePair.Create($"ReverseProxy:Clusters:{m.AppId}-http:Destinations:{m.AppId}:Address", (string?)$"http://127.0.0.1:{options.Ports[m.AppId].HttpPort}"),
            KeyValuePair.Create($"ReverseProxy:Clusters:{m.AppId}-grpc:Destinations:{m.AppId}:Address", (string?)$"http://127.0.0.1:{options.Ports[m.AppId].GrpcPort}"),
        });

    /// <summary>One tracer and one meter provider for the process (listeners are process-wide).</summary>
    private static IDisposable[] StartProcessTelemetry()
    {
        var otlp = ServiceDefaultsExtensions.OtlpConfigured(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        var tracing = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService("cart-consortium-standalone"))
            .AddPlatformTracing();
        var metrics = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService("cart-consortium-standalone"))
            .AddPlatformMetrics();
        if (otlp)
        {
            tracing.AddOtlpExporter();
            metrics.AddOtlpExporter();
        }
        return [tracing.Build(), metrics.Build()];
    }

    private sealed class LifetimeOwnedByHost : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class StandaloneLog
{
    [LoggerMessage(Message = "{Message}")]
    public static partial void StoreNotice(ILogger logger, LogLevel level, string message);
}
