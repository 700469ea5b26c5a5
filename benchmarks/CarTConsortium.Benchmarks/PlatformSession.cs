using System.Globalization;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Standalone;
using CarTConsortium.Testing;
using Grpc.Core;
using Grpc.Net.Client;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// The standalone platform running in this process on free loopback ports, and gRPC
/// clients that reach it only through its gateway, each call carrying a real token.
/// </summary>
public sealed class PlatformSession : IAsyncDisposable
{
    private static readonly string[] Apps = ["gateway", "registry", "procurement", "approvals", "slots"];

    // Far above what a run sends, so the gateway's per-country and per-client quotas never answer for slots.
    private const int Unthrottled = 10_000_000;

    private readonly StandalonePlatform _platform;
    private readonly TemporaryFolder? _ownedFolder;
    private readonly TokenClient _tokens;
    private readonly Dictionary<DemoIdentity, GrpcChannel> _channels;

    private PlatformSession(StandalonePlatform platform, TemporaryFolder? ownedFolder, string dataFolder)
    {
        _platform = platform;
        _ownedFolder = ownedFolder;
        DataFolder = dataFolder;
        _tokens = new TokenClient(platform.Issuers);
        _channels = Identities.All.ToDictionary(who => who, ChannelAs);
    }

    public string DataFolder { get; }

    /// <summary>The portal's address; null unless started with the portal.</summary>
    public Uri? Portal => _platform.Portal;

    /// <summary>What the platform was started with beyond the demo defaults, as the output reports it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> AppSettings { get; } =
        new Dictionary<string, IReadOnlyDictionary<string, string?>>
        {
            // The benchmark measures raw allocation: no place is reserved for any country.
            ["slots"] = new Dictionary<string, string?>
            {
                ["Slots:Fairness:Shares:KZ"] = "0",
                ["Slots:Fairness:Shares:UZ"] = "0",
                ["Slots:Fairness:Shares:KG"] = "0",
                // One hospital books every request: the most slots allows (the benchmark cancels each scenario's bookings after counting them).
                ["Slots:InstitutionLimits:MaxActive"] = "1000",
                ["Slots:InstitutionLimits:MaxUnconfirmed"] = "1000",
            },
            // The benchmark enrols thousands of patients at one hospital up front: the most the registry allows in its window.
            ["registry"] = new Dictionary<string, string?>
            {
                ["Registry:Enrolment:PermitLimit"] = "100000",
            },
            ["gateway"] = new Dictionary<string, string?>
            {
                ["RateLimits:PerCountry:PermitLimit"] = Unthrottled.ToString(CultureInfo.InvariantCulture),
                ["RateLimits:PerClient:PermitLimit"] = Unthrottled.ToString(CultureInfo.InvariantCulture),
            },
            // The manufacturing systems of the two sites the benchmark adds for the release day's five.
            ["identity-kz"] = BenchmarkSites.ProviderSettings(),
        };

    /// <param name="dataFolder">Kept afterwards; a fresh temporary folder, deleted afterwards, when null.</param>
    /// <param name="withPortal">Also start the portal (see <see cref="Portal"/>), for the page benchmark.</param>
    /// <param name="appSettings">Instead of <see cref="AppSettings"/>, for a benchmark that needs other settings.</param>
    public static async Task<PlatformSession> StartAsync(string? dataFolder, CancellationToken ct, bool withPortal = false,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>>? appSettings = null)
    {
        var owned = dataFolder is null ? new TemporaryFolder("cartc-bench-") : null;
        var folder = dataFolder ?? owned!.Path;
        var options = new StandaloneOptions
        {
            DataFolder = folder,
            DemoData = true,
            Ports = Apps.Select(app => KeyValuePair.Create(app, new AppPorts(LoopbackPorts.Next(), LoopbackPorts.Next())))
                .Concat(StandalonePlatform.IdentityProviders.Select(provider => KeyValuePair.Create(provider, new AppPorts(LoopbackPorts.Next()))))
                .Concat(withPortal ? [KeyValuePair.Create(StandalonePlatform.PortalAppId, new AppPorts(LoopbackPorts.Next()))] : [])
                .ToDictionary(),
            // Quiet apps: a log line per request would be part of what is measured.
            Settings = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:CarTConsortium"] = "Warning",
                ["Logging:LogLevel:Yarp"] = "Error",
            },
            AppSettings = appSettings ?? AppSettings,
        };
        try
        {
            return new PlatformSession(await StandalonePlatform.StartAsync(options, ct), owned, folder);
        }
        catch
        {
            owned?.Dispose();
            throw;
        }
    }

    public SlotsService.SlotsServiceClient Slots(DemoIdentity who) => new(_channels[who]);

    public RegistryService.RegistryServiceClient Registry(DemoIdentity who) => new(_channels[who]);

    /// <summary>An HTTP client for the gateway's REST/JSON endpoint (the transcoded gRPC API), carrying <paramref name="who"/>'s token.</summary>
    public async Task<HttpClient> RestAsync(DemoIdentity who)
    {
        // One connection per concurrent request (HTTP/1.1), as many browsers and hospital systems would open.
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = _platform.GatewayHttp };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await _tokens.TokenAsync(who));
        return http;
    }

    /// <summary>Asks every demo identity's provider for a token now, so a missing client fails before any work.</summary>
    public async Task FetchTokensAsync()
    {
        foreach (var who in Identities.All)
        {
            await _tokens.TokenAsync(who);
        }
    }

    private GrpcChannel ChannelAs(DemoIdentity who) => GrpcChannel.ForAddress(_platform.GatewayGrpc, new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure,
            CallCredentials.FromInterceptor(async (_, metadata) => metadata.Add("Authorization", "Bearer " + await _tokens.TokenAsync(who)))),
        // The gateway listens on loopback h2c; a deployment puts TLS in front of it.
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
        _tokens.Dispose();
        await _platform.DisposeAsync();
        _ownedFolder?.Dispose();
    }
}
