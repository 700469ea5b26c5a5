using CarTConsortium.Gateway.OpenApi;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace CarTConsortium.Gateway;

/// <summary>
/// The gateway's whole wiring. Routing is YARP configuration (gateway.routes.json): a
/// gRPC route and a REST route per service, each to its own cluster, because plaintext
/// HTTP/2 (h2c) and HTTP/1.1 live on separate ports of every service.
/// </summary>
public sealed class GatewayModule : IServiceModule
{
    public const string RoutesFile = "gateway.routes.json";

    public string AppId => "gateway";

    public void AddServices(WebApplicationBuilder builder)
    {
        // The routes file holds defaults: every other source (appsettings, environment,
        // a host's in-memory settings) overrides it, e.g. a destination's address.
        builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            Path = RoutesFile,
            Optional = false,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });
        // Tokens are checked here and again by every service (zero trust); quotas only here.
        builder.AddFederatedAuthentication();
        builder.Services.AddTenantRateLimits(builder.Configuration);
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        builder.Services.AddHealthChecks().AddCheck<DownstreamHealthCheck>("downstream");
        builder.Services.AddApiReference(builder.Configuration);

        // The gateway answers gRPC reflection for every service it routes, so clients such
        // as grpcurl discover the whole platform's contract from the one public address.
        builder.Services.AddSingleton(new ReflectionServiceImpl(
            Contracts.Registry.V1.RegistryService.Descriptor,
            Contracts.Procurement.V1.ProcurementService.Descriptor,
            Contracts.Approvals.V1.ApprovalsService.Descriptor,
            Contracts.Slots.V1.SlotsService.Descriptor,
            Contracts.Operations.V1.EventOperations.Descriptor,
            Contracts.Operations.V1.OutboxOperations.Descriptor));
    }

    public void MapEndpoints(WebApplication app)
    {
        // Quotas are per country and per client, so they are counted after the token is read;
        // each route's "AuthorizationPolicy" (gateway.routes.json) then demands a valid one.
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseApiReference();
        app.UseAuthorization();
        // The contract is public (the protos are), so discovering it needs no token.
        app.MapGrpcService<ReflectionServiceImpl>().AllowAnonymous();
        app.MapApiDocument();
        app.MapReverseProxy();
    }
}
