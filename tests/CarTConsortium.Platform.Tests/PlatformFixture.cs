using System.Net.Sockets;
using System.Net;
using CarTConsortium.Standalone;
using CarTConsortium.Testing;
using Grpc.Net.Client;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// A running standalone platform on free loopback ports and a data folder of its own,
/// with clients for the gateway. Restart it on the same folder to test durability.
/// </summary>
public sealed class RunningPlatform : IAsyncDisposable
{
    private static readonly string[] AppIds = ["gateway", "registry", "procurement", "approvals", "slots"];

    // Deleted when the last platform on it is disposed; a restart hands it on.
    private readonly TemporaryFolder? _ownedFolder;

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

    public static async Task<RunningPlatform> StartAsync(bool demoData = true)
    {
        var folder = new TemporaryFolder("cartc-platform-");
        var options = new StandaloneOptions
        {
            DataFolder = folder,
            DemoData = demoData,
            Ports = AppIds.ToDictionary(app => app, _ => new AppPorts(FreePort(), FreePort())),
            Settings = new Dictionary<string, string?>
            {
                ["Eventing:RetryBaseDelay"] = "00:00:00.050",
                ["Eventing:OutboxPollInterval"] = "00:00:00.200",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Yarp"] = "Error",
            },
        };
        return new RunningPlatform(await StandalonePlatform.StartAsync(options), options, folder);
    }

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
        await Platform.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _ownedFolder?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One platform shared by the tests of a class (starting one takes a second or two).</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public RunningPlatform Running { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Running = await RunningPlatform.StartAsync();

    public async ValueTask DisposeAsync() => await Running.DisposeAsync();
}

public static class Eventually
{
    /// <summary>Retries <paramref name="attempt"/> until it stops throwing; fails after the timeout.</summary>
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> attempt, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
