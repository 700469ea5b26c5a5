using System.Net.Http.Json;
using System.Text.Json.Serialization;
using CarTConsortium.Standalone;
using CarTConsortium.Testing;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Playwright;
using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>
/// One standalone platform with the portal, on free loopback ports and a data folder of its
/// own, and one headless Debian Chromium, shared by the browser tests (starting either takes seconds).
/// </summary>
public sealed class PortalPlatform : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly TemporaryFolder _folder = new("cartc-portal-");
    private readonly HttpClient _tokens = new();
    private IPlaywright? _playwright;
    private GrpcChannel? _channel;

    public StandalonePlatform Platform { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Uri Portal => Platform.Portal!;

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (apt-get install -y chromium), as .ci/run does.");
        Platform = await StandalonePlatform.StartAsync(new StandaloneOptions
        {
            DataFolder = _folder,
            Ports = StandalonePlatform.PortsFrom(LoopbackPorts.Next, portal: true),
            Settings = PlatformRecipe.Settings,
            AppSettings = new Dictionary<string, IReadOnlyDictionary<string, string?>>
            {
                // Access tokens live 15 minutes: refreshing any older than 5 seconds makes every test
                // go through the silent refresh (refresh grant at the provider, new token to the gateway).
                [StandalonePlatform.PortalAppId] = new Dictionary<string, string?> { ["Portal:RefreshBefore"] = "00:14:55" },
            },
        });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
        });
    }

    /// <summary>A fresh browser profile (no cookies): one person's session.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Portal.ToString(),
            // A tablet in landscape: the size the portal is made for.
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>gRPC through the gateway as a demo system (client credentials), to set up and check what the browser does.</summary>
    public async Task<CallInvoker> AsClientAsync(string provider, string clientId)
    {
        using var response = await _tokens.PostAsync(new Uri(Platform.Issuers[provider], "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = "demo-secret",
            ["scope"] = "registry procurement approvals slots",
        }));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        _channel ??= GrpcChannel.ForAddress(Platform.GatewayGrpc);
        return _channel.CreateCallInvoker().Intercept(metadata =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return metadata;
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        _channel?.Dispose();
        _tokens.Dispose();
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }
        _folder.Dispose();
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken);
}
