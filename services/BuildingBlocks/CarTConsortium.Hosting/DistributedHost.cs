using CarTConsortium.Eventing.Dapr;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Operations;
using CarTConsortium.Storage.MongoDb;
using Microsoft.AspNetCore.Builder;

namespace CarTConsortium.Hosting;

/// <summary>
/// Runs one module alone in its process, as the consortium deployment does: MongoDB for
/// storage, a Dapr sidecar for pub/sub. Endpoints and settings come from the host's
/// appsettings.json and the environment.
/// </summary>
public static class DistributedHost
{
    public static async Task RunAsync(IServiceModule module, string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration["Eventing:AppId"] ??= module.AppId;
        builder.AddServiceDefaults();
        builder.Services.AddMongoStorage(builder.Configuration);
        builder.Services.AddDaprEventing(builder.Configuration);
        // Only the sidecar may post events: no token, no start.
        builder.Services.RequireDaprAppToken();
        module.AddServices(builder);
        builder.Services.AddEventOperations(scope: module.AppId);
        builder.AddOutboxOperations(module.AppId);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapDaprEventing();
        module.MapEndpoints(app);
        app.MapEventOperations();
        app.MapOutboxOperations();
        await app.RunAsync();
    }
}
