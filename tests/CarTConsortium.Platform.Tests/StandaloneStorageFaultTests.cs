using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Standalone;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// Issue 15, failures 8 and 9 in the standalone process: a deleted database is not silently recreated
/// empty, a damaged one is named and takes only its own service down, /healthz checks the store, and
/// the data files are private.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class StandaloneStorageFaultTests : IDisposable
{
    private readonly TemporaryFolder _data = new("cartc-faults-");

    private string SlotsDb => Path.Combine(_data, "slots.db");

    [Fact]
    public async Task A_deleted_slots_database_is_refused_at_restart_with_its_name_and_rebuilt_by_replay_only_when_asked()
    {
        var running = await StartAsync();
        await Eventually.HoldsAsync(async () => await SlotsKnowsProductsAsync(running), "slots learnt the demo products");
        await running.DisposeAsync();
        DeleteDatabase(SlotsDb);

        running = await StartAsync();
        try
        {
            var notice = Assert.Single(running.Platform.StoreNotices);
            Assert.Equal(("slots", false), (notice.AppId, notice.Started));
            Assert.Contains($"The slots database {SlotsDb} is missing, but the event bus records that slots ran with data before", notice.Message, StringComparison.Ordinal);
            Assert.Contains("--rebuild-missing-stores", notice.Message, StringComparison.Ordinal);
            // Never silently empty: no new file, and the service does not answer as if nothing was lost.
            Assert.False(File.Exists(SlotsDb));
            var slots = new SlotsService.SlotsServiceClient(running.ChannelAs(DemoClients.Admin));
            var down = await Assert.ThrowsAsync<RpcException>(() => slots.ListCapacityAsync(new ListCapacityRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, down.StatusCode);
            await RegistryAnswersAsync(running);
        }
        finally
        {
            await running.DisposeAsync();
        }

        running = await StartAsync(rebuild: true);
        try
        {
            var notice = Assert.Single(running.Platform.StoreNotices);
            Assert.Equal(("slots", true), (notice.AppId, notice.Started));
            Assert.Contains($"The slots database {SlotsDb} was missing and was created empty", notice.Message, StringComparison.Ordinal);
            Assert.Contains("replays the", notice.Message, StringComparison.Ordinal);
            // The replay rebuilt what slots had learnt from the others' events.
            await Eventually.HoldsAsync(async () => await SlotsKnowsProductsAsync(running), "slots relearnt the products from the replay");
        }
        finally
        {
            await running.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_corrupt_slots_database_is_named_and_takes_only_slots_down_while_the_others_and_the_providers_answer()
    {
        Directory.CreateDirectory(_data);
        var garbage = new byte[16384];
        new Random(8).NextBytes(garbage);
        await File.WriteAllBytesAsync(SlotsDb, garbage);

        await using var running = await StartAsync(configure: options => options with
        {
            AppSettings = new Dictionary<string, IReadOnlyDictionary<string, string?>>(options.AppSettings)
            {
                // The gateway probes its destinations every second here, not every ten.
                [StandalonePlatform.GatewayAppId] = new Dictionary<string, string?>
                {
                    ["ReverseProxy:Clusters:slots-grpc:HealthCheck:Active:Interval"] = "00:00:01",
                    ["ReverseProxy:Clusters:slots-http:HealthCheck:Active:Interval"] = "00:00:01",
                },
            },
        });

        var notice = Assert.Single(running.Platform.StoreNotices);
        Assert.Equal(("slots", false), (notice.AppId, notice.Started));
        Assert.Contains($"slots was not started: The slots database {SlotsDb} is damaged or not a SQLite database", notice.Message, StringComparison.Ordinal);
        // Tokens come from the identity providers, the other services answer through the gateway.
        await RegistryAnswersAsync(running);
        var slots = new SlotsService.SlotsServiceClient(running.ChannelAs(DemoClients.Admin));
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => slots.ListCapacityAsync(new ListCapacityRequest()).ResponseAsync)).StatusCode);
        await Eventually.HoldsAsync(async () =>
        {
            using var health = JsonDocument.Parse(await running.Http.GetStringAsync("/healthz"));
            var clusters = health.RootElement.GetProperty("checks").GetProperty("downstream").GetProperty("data");
            return clusters.GetProperty("slots-grpc").GetString() == "Unhealthy" && clusters.GetProperty("registry-grpc").GetString() == "Healthy";
        }, "the gateway reports slots unhealthy and registry healthy");
    }

    [Fact]
    public async Task Healthz_of_a_service_is_unhealthy_naming_its_store_when_the_disk_is_below_the_floor_while_it_stays_alive_and_the_data_files_are_private()
    {
        await using var running = await StartAsync(demoData: false, configure: options => options with
        {
            AppSettings = new Dictionary<string, IReadOnlyDictionary<string, string?>>(options.AppSettings)
            {
                // A floor of 10 TB: above the free space of any disk these tests run on.
                ["procurement"] = new Dictionary<string, string?> { ["Storage:Sqlite:MinFreeDiskMegabytes"] = "10000000" },
                // No demo data, but the file's (demo) pseudonymisation secrets: allowed explicitly.
                ["registry"] = new Dictionary<string, string?> { ["Registry:Pseudonymisation:AllowDemoSecrets"] = "true" },
            },
        });
        using var http = new HttpClient();

        using var procurement = await http.GetAsync(new Uri($"http://127.0.0.1:{running.Options.Ports["procurement"].HttpPort}/healthz"));
        using var registry = await http.GetAsync(new Uri($"http://127.0.0.1:{running.Options.Ports["registry"].HttpPort}/healthz"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, procurement.StatusCode);
        using var report = JsonDocument.Parse(await procurement.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", report.RootElement.GetProperty("status").GetString());
        var store = report.RootElement.GetProperty("checks").GetProperty("store");
        Assert.Equal("Unhealthy", store.GetProperty("status").GetString());
        Assert.Contains($"The disk of the procurement database {Path.Combine(_data, "procurement.db")} has", store.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, registry.StatusCode);
        // Liveness stays green: restarting the process would not free the disk.
        using var alive = await http.GetAsync(new Uri($"http://127.0.0.1:{running.Options.Ports["procurement"].HttpPort}/alive"));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);

        Assert.Equal(PrivateFiles.FolderMode, File.GetUnixFileMode(_data));
        var files = Directory.GetFiles(_data).Where(f => StandalonePlatform.Modules.Any(m => Path.GetFileName(f).StartsWith(m.AppId + ".db", StringComparison.Ordinal))
            || Path.GetFileName(f).StartsWith("bus.db", StringComparison.Ordinal)).ToList();
        Assert.Contains(Path.Combine(_data, "bus.db"), files);
        Assert.Contains(SlotsDb, files);
        Assert.All(files, f => Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(f)));
    }

    private Task<RunningPlatform> StartAsync(bool demoData = true, bool rebuild = false, Func<StandaloneOptions, StandaloneOptions>? configure = null) =>
        RunningPlatform.StartAsync(demoData, options =>
        {
            options = options with { DataFolder = _data, RebuildMissingStores = rebuild };
            return configure?.Invoke(options) ?? options;
        });

    private static async Task<bool> SlotsKnowsProductsAsync(RunningPlatform running) =>
        (await running.Platform.ServicesOf("slots").GetRequiredService<IDocumentStore>()
            .QueryAsync(SlotsCollections.KnownProducts, new DocumentQuery { Limit = 1 })).Items.Count > 0;

    private static async Task RegistryAnswersAsync(RunningPlatform running)
    {
        var registry = new RegistryService.RegistryServiceClient(running.ChannelAs(DemoClients.Admin));
        Assert.NotNull(await registry.ListProductsAsync(new ListProductsRequest()));
    }

    private static void DeleteDatabase(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
