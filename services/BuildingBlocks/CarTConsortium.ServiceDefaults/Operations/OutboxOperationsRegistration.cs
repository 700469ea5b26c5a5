using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Operations.V1;
using CarTConsortium.ServiceDefaults.Jobs;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.ServiceDefaults.Operations;

public static class OutboxOperationsRegistration
{
    /// <summary>
    /// What every service app gets from its host, whatever the module: the OutboxOperations RPCs on its own outbox
    /// (consortium admins only; the token's scope is the app's, as for its own RPCs) and the pruning job with its
    /// retention (<c>Eventing:Retention</c>, checked at start), and the periodic sweep that back-fills keys documents lack.
    /// </summary>
    /// <param name="scope">The scope the app's tokens carry, its app id.</param>
    public static WebApplicationBuilder AddOutboxOperations(this WebApplicationBuilder builder, string scope)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new OutboxOperationsApp(scope));
        builder.Services.AddSingleton<ListParkedEvents>();
        builder.Services.AddSingleton<RequeueParkedEvent>();
        builder.Services.AddSingleton<RepublishSince>();
        builder.Services.AddRpcAccess(OutboxOperations.Descriptor, scope, rpc => rpc
            // Operating the eventing is the consortium's, not a country's.
            .Allow(nameof(OutboxOperations.OutboxOperationsBase.ListParkedEvents), Roles.ConsortiumAdmin)
            .Allow(nameof(OutboxOperations.OutboxOperationsBase.RequeueParkedEvent), Roles.ConsortiumAdmin)
            .Allow(nameof(OutboxOperations.OutboxOperationsBase.RepublishSince), Roles.ConsortiumAdmin));
        builder.Services.AddValidatedSettings<EventRetentionOptions, EventRetentionOptionsValidator>(builder.Configuration);
        builder.Services.AddHostedService<EventPruningJob>();
        builder.Services.AddHostedService<KeyBackfillJob>();
        // Declared, so their created_at key is indexed (and back-filled on older records) at start for the pruning job.
        builder.Services.AddDocumentCollections(IdempotencyKey.Records);
        return builder;
    }

    /// <summary>Maps the OutboxOperations RPCs (and their REST routes) for signed-in callers.</summary>
    public static WebApplication MapOutboxOperations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<OutboxOperationsApi>().RequireAuthorization(FederatedAuthentication.Policy);
        return app;
    }
}
