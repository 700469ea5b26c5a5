using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Operations.V1;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Portal.Session;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Portal.Gateway;

/// <summary>
/// The gateway's typed gRPC clients. Every call carries the signed-in person's own access
/// token (refreshed when near expiry); the portal has no credentials of its own, so the
/// services decide everything as they would for any other client.
/// </summary>
public static class GatewayClients
{
    public static IServiceCollection AddGatewayClients(this IServiceCollection services, PortalOptions portal)
    {
        Add<SlotsService.SlotsServiceClient>(services, portal);
        Add<RegistryService.RegistryServiceClient>(services, portal);
        Add<ProcurementService.ProcurementServiceClient>(services, portal);
        Add<ApprovalsService.ApprovalsServiceClient>(services, portal);
        Add<EventOperations.EventOperationsClient>(services, portal);
        return services;
    }

    private static void Add<TClient>(IServiceCollection services, PortalOptions portal) where TClient : ClientBase =>
        services.AddGrpcClient<TClient>(options => options.Address = portal.GatewayGrpcUri)
            .AddCallCredentials(async (context, metadata, provider) =>
            {
                // No token (no session, or it ended): the call goes without one and gets UNAUTHENTICATED.
                if (await provider.GetRequiredService<UserAccessToken>().GetAsync(context.CancellationToken) is { } token)
                {
                    metadata.Add("Authorization", "Bearer " + token);
                }
            })
            // h2c to the gateway on loopback in standalone; deployments use an https address.
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = portal.GatewayGrpcUri.Scheme == Uri.UriSchemeHttp);
}
