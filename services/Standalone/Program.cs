using System.CommandLine;
using CarTConsortium.Standalone;

// The standalone platform: `dotnet run --project services/Standalone`. Settings come from
// appsettings.json ("Standalone"), environment variables (Standalone__DataFolder, ...)
// and these flags, in that order of precedence, lowest first.
var settings = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: false)
    .AddEnvironmentVariables()
    .Build()
    .GetSection("Standalone");

var dataOption = new Option<DirectoryInfo>("--data")
{
    Description = "Folder for the services' SQLite files and the event bus (kept across restarts)",
    DefaultValueFactory = _ => new DirectoryInfo(settings["DataFolder"] ?? ".data"),
};
var portOffsetOption = new Option<int>("--port-offset")
{
    Description = "Added to every app's port, to run a second copy beside the first",
};
var noDemoDataOption = new Option<bool>("--no-demo-data")
{
    Description = "Start with empty databases instead of the demo catalogue",
};
var rebuildOption = new Option<bool>(ServiceStores.RebuildFlag)
{
    Description = "Start a service whose database file is missing, though the bus shows it had data, empty, and rebuild its read models from the bus",
};
var root = new RootCommand("CAR-T Consortium platform, standalone: the demo identity providers, every service and the gateway in one process")
{
    dataOption,
    portOffsetOption,
    noDemoDataOption,
    rebuildOption,
};
root.SetAction(async (parse, ct) =>
{
    var offset = parse.GetValue(portOffsetOption);
    // 0 means "no such endpoint" (identity providers have no gRPC port) and stays 0.
    int Shift(int port) => port == 0 ? 0 : port + offset;
    var options = new StandaloneOptions
    {
        DataFolder = parse.GetValue(dataOption)!.FullName,
        DemoData = !parse.GetValue(noDemoDataOption) && settings.GetValue("DemoData", true),
        RebuildMissingStores = parse.GetValue(rebuildOption) || settings.GetValue("RebuildMissingStores", false),
        Ports = settings.GetSection("Apps").GetChildren().ToDictionary(
            app => app.Key,
            app => new AppPorts(Shift(app.GetValue<int>("HttpPort")), Shift(app.GetValue<int>("GrpcPort")))),
    };

    StandalonePlatform platform;
    try
    {
        platform = await StandalonePlatform.StartAsync(options, ct);
    }
    catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
    {
        Console.Error.WriteLine($"{e.Message}\nIs another copy running? Stop it, or start this one with --port-offset 1000.");
        return 1;
    }
    catch (CarTConsortium.BuildingBlocks.Storage.StoreUnavailableException e)
    {
        // The bus's own file: without it no service can run.
        Console.Error.WriteLine(e.Message);
        return 1;
    }
    await using var running = platform;
    var kz = platform.Issuers["identity-kz"];
    var consortium = platform.Issuers["identity-consortium"];
    Console.WriteLine($"""

        CAR-T Consortium platform is running (standalone).
          Gateway, REST/JSON: {platform.GatewayHttp}
          Gateway, gRPC:      {platform.GatewayGrpc.Host}:{platform.GatewayGrpc.Port} (HTTP/2, no TLS)
          Identity providers: {string.Join(", ", platform.Issuers.Select(p => $"{p.Key[9..]} {p.Value}"))}
          Portal (browser):   {platform.Portal?.ToString() ?? "not started (no port planned)"}
          API reference:      {platform.GatewayHttp}api-docs
          Data folder:        {options.DataFolder}

        Every call needs an access token from a country's identity provider. Try it:
          # a KZ hospital's system (client credentials; demo clients are in services/Standalone/identity/)
          TOKEN=$(curl -s {kz}connect/token -d grant_type=client_credentials \
            -d client_id=kz-astana-childrens-his -d client_secret=demo-secret \
            --data-urlencode 'scope=registry procurement approvals slots' | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
          curl -H "Authorization: Bearer $TOKEN" {platform.GatewayHttp}v1/registry/products
          grpcurl -plaintext -H "Authorization: Bearer $TOKEN" {platform.GatewayGrpc.Host}:{platform.GatewayGrpc.Port} consortium.registry.v1.RegistryService/ListProducts
          # the consortium's admin: client_id=consortium-admin at {consortium}connect/token
          # people sign in at a provider's login page (users kz.coordinator, kz.clinician, ..., admin; password demo-password)
          curl {platform.GatewayHttp}healthz

        Press Ctrl-C to stop.
        """);
    foreach (var notice in platform.StoreNotices)
    {
        Console.Error.WriteLine((notice.Started ? "WARNING: " : "NOT STARTED: ") + notice.Message);
    }

    try
    {
        await Task.Delay(Timeout.Infinite, ct);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Stopping...");
    }
    return 0;
});
return await root.Parse(args).InvokeAsync();
