using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using CarTConsortium.Standalone;
using CarTConsortium.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;

[assembly: AssemblyFixture(typeof(CarTConsortium.Platform.Tests.PlatformFixture))]

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// A running standalone platform on free loopback ports and a data folder of its own,
/// with clients for the gateway that carry real tokens from the demo identity providers.
/// Restart it on the same folder to test durability.
/// </summary>
public sealed class RunningPlatform : IAsyncDisposable
{
    /// <summary>Every scope a demo client may ask for.</summary>
    public const string AllScopes = "registry procurement approvals slots";

    // Deleted when the last platform on it is disposed; a restart hands it on.
    private readonly TemporaryFolder? _ownedFolder;
    private readonly ConcurrentDictionary<(string, string), Task<string>> _tokens = new();
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();
    private readonly HttpClient _tokenClient = new();

    private RunningPlatform(StandalonePlatform platform, StandaloneOptions options, TemporaryFolder? ownedFolder)
    {
        _ownedFolder = ownedFolder;
        Platform = platform;
        Options = options;
        Http = new HttpClient { BaseAddress = platform.GatewayHttp };
        Channel = GrpcChannel.ForAddress(platform.GatewayGrpc);
    }

    public StandalonePlatform Platform { get; }
    public StandaloneOptions Options { get; }
    public HttpClient Http { get; }
    public GrpcChannel Channel { get; }

    /// <param name="configure">Changes to the options, e.g. settings for one app or a fake clock.</param>
    public static async Task<RunningPlatform> StartAsync(bool demoData = true, Func<StandaloneOptions, StandaloneOptions>? configure = null)
    {
        var folder = new TemporaryFolder("cartc-platform-");
        var options = new StandaloneOptions
        {
            DataFolder = folder,
            DemoData = demoData,
            Ports = StandalonePlatform.PortsFrom(FreePort, portal: false),
            Settings = PlatformRecipe.Settings,
            AppSettings = new Dictionary<string, IReadOnlyDictionary<string, string?>>
            {
                ["identity-kz"] = DemoClients.ClientSettings(DemoClients.ExtraKzClients),
                ["slots"] = SiteLines.UnlimitedHolds,
            },
        };
        options = configure?.Invoke(options) ?? options;
        try
        {
            return new RunningPlatform(await StandalonePlatform.StartAsync(options), options, folder);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>An access token of <paramref name="client"/> from its provider (client credentials), cached per scope set.</summary>
    public Task<string> TokenAsync(DemoClient client, string scopes = AllScopes) =>
        _tokens.GetOrAdd((client.ClientId, scopes), _ => RequestTokenAsync(client, scopes));

    /// <summary>A new token every call (no cache), e.g. to see which key signs now.</summary>
    public Task<string> FreshTokenAsync(DemoClient client, string scopes = AllScopes) => RequestTokenAsync(client, scopes);

    /// <summary>gRPC through the gateway as <paramref name="client"/>.</summary>
    public GrpcChannel ChannelAs(DemoClient client) => _channels.GetOrAdd(client.ClientId, _ => ChannelWith(Platform.GatewayGrpc, async () => await TokenAsync(client)));

    /// <summary>gRPC to <paramref name="address"/> sending whatever bearer token <paramref name="token"/> gives (none when it gives null).</summary>
    public static GrpcChannel ChannelWith(Uri address, Func<Task<string?>> token) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor(async (_, metadata) =>
        {
            if (await token() is { } value)
            {
                metadata.Add("Authorization", "Bearer " + value);
            }
        })),
        // Loopback h2c in tests; deployments put TLS in front.
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    /// <summary>REST/JSON through the gateway as <paramref name="client"/>.</summary>
    public async Task<HttpClient> HttpAsAsync(DemoClient client)
    {
        var http = new HttpClient { BaseAddress = Platform.GatewayHttp };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client));
        return http;
    }

    private async Task<string> RequestTokenAsync(DemoClient client, string scopes)
    {
        using var response = await _tokenClient.PostAsync(new Uri(Platform.Issuers[client.Provider], "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = DemoClients.Secret,
            ["scope"] = scopes,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{client} got no token: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<TokenResponse>(body)!.AccessToken;
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken);

    /// <summary>Stops this platform and starts a new one on the same data folder and ports.</summary>
    public async Task<RunningPlatform> RestartAsync()
    {
        await StopAsync();
        return new RunningPlatform(await StandalonePlatform.StartAsync(Options), Options, _ownedFolder);
    }

    public async Task StopAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        _tokenClient.Dispose();
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
        await Platform.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _ownedFolder?.Dispose();
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort() => LoopbackPorts.Next();
}

/// <summary>
/// The platform that the test classes which need no settings of their own share, one for the whole
/// assembly (starting one costs seconds; each class works on data of its own).
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public RunningPlatform Running { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Running = await RunningPlatform.StartAsync();

    public async ValueTask DisposeAsync() => await Running.DisposeAsync();
}
