using System.Globalization;
using System.Text;
using CarTConsortium.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.Swagger;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CarTConsortium.Gateway.OpenApi;

/// <summary>
/// The OpenAPI document of every REST route, generated from the public contract alone: the
/// google.api.http annotations and messages compiled into CarTConsortium.Contracts, and the
/// proto comments from its XML docs. The services' code is not needed, so the gateway stays
/// free of it and the document cannot drift from what the services transcode.
/// </summary>
public sealed partial class RestApiDocument(FederationOptions federation, ILogger<RestApiDocument> logger)
{
    public const string Name = "v1";
    public const string Title = "CAR-T Consortium platform REST API";
    public const string BearerScheme = "bearer";

    private readonly Lazy<OpenApiDocument> _document = new(() => Generate(federation, logger));

    /// <summary>The document, generated on first use and then kept: the contract cannot change while the gateway runs.</summary>
    public OpenApiDocument Document => _document.Value;

    private static OpenApiDocument Generate(FederationOptions federation, ILogger logger)
    {
        // Grpc.Swagger describes the gRPC endpoints an app maps, so the contract's services are
        // mapped in an app of their own that is never started: they only lend their
        // descriptions, and no request can reach them (the gateway's own routes are YARP's).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IServer, NoServer>();
        builder.Services.AddGrpc().AddJsonTranscoding();
        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(options => Configure(options, federation, logger));
        using var describer = builder.Build();
        describer.MapGrpcService<RegistryContract>();
        describer.MapGrpcService<ProcurementContract>();
        describer.MapGrpcService<ApprovalsContract>();
        describer.MapGrpcService<SlotsContract>();
        describer.MapGrpcService<OperationsContract>();
        describer.MapGrpcService<OutboxOperationsContract>();
        // Hands the mapped endpoints to routing, where API descriptions read them; nothing runs.
        describer.UseRouting();
        describer.UseEndpoints(_ => { });
        return describer.Services.GetRequiredService<ISwaggerProvider>().GetSwagger(Name);
    }

    private static void Configure(SwaggerGenOptions options, FederationOptions federation, ILogger logger)
    {
        options.SwaggerDoc(Name, new OpenApiInfo
        {
            Title = Title,
            Version = Name,
            Description = """
                Every RPC of the platform as REST/JSON, through the gateway (gRPC JSON transcoding of the
                `google.api.http` annotations in `protos/`). The same operations are served as gRPC.

                Every call needs an access token of the caller's country identity provider (see the security
                scheme). Quotas are per country and per client: a refused request gets 429 with `Retry-After`.
                An error is a `google.rpc.Status` in JSON: `INVALID_ARGUMENT` (400) names the fields in its
                `BadRequest` detail, `ABORTED` (409) means the expected revision is no longer the current one.
                """,
        });
        options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = BearerDescription(federation),
        });
        options.AddSecurityRequirement(new OpenApiSecurityRequirement
        {
            [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = BearerScheme } }] = [],
        });
        // Stable names a client generator can use: the RPC's own, e.g. RegistryService_ListProducts.
        options.CustomOperationIds(api => api.ActionDescriptor.EndpointMetadata.OfType<GrpcMethodMetadata>().FirstOrDefault() is { } grpc
            ? grpc.Method.ServiceName[(grpc.Method.ServiceName.LastIndexOf('.') + 1)..] + "_" + grpc.Method.Name
            : null);
        // Message names repeat across packages (each service has its own Revision, ...), so a
        // schema is named by its full proto name.
        options.CustomSchemaIds(SchemaNames.Of);
        // google.protobuf.Value and its kin are plain JSON in the mapping, not their C# shape.
        options.MapType<Value>(() => new OpenApiSchema { Description = "Any JSON value." });
        options.MapType<Struct>(() => new OpenApiSchema { Type = "object", AdditionalPropertiesAllowed = true, Description = "A JSON object." });
        options.MapType<ListValue>(() => new OpenApiSchema { Type = "array", Items = new OpenApiSchema(), Description = "A JSON array." });
        options.DocumentFilter<ProtoJsonDocumentFilter>();

        var comments = Path.ChangeExtension(typeof(Contracts.Registry.V1.RegistryService).Assembly.Location, ".xml");
        if (File.Exists(comments))
        {
            options.IncludeXmlComments(comments);
            options.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
        }
        else
        {
            LogNoComments(logger, comments);
        }
    }

    private static string BearerDescription(FederationOptions federation)
    {
        var text = new StringBuilder("""
            An access token (JWT) from the caller's own identity provider: each member country runs one for its
            people and systems, and the consortium one for its staff. The token must be issued for the audience
            """);
        text.Append(CultureInfo.InvariantCulture, $" `{federation.Audience}`. Issuers this gateway trusts:");
        foreach (var issuer in federation.Issuers)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- `{issuer.Issuer}` ({(issuer.Consortium ? "the consortium" : issuer.Country)})");
        }
        return text.ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The contract's XML docs are not at {Path}: the OpenAPI document has no descriptions")]
    private static partial void LogNoComments(ILogger logger, string path);

    /// <summary>A web app cannot be built without a server; this one refuses to serve.</summary>
    private sealed class NoServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => throw new InvalidOperationException("The app that describes the contract never serves requests.");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    // The generated bases carry the binding (routes, messages); these only make them mappable.
    private sealed class RegistryContract : Contracts.Registry.V1.RegistryService.RegistryServiceBase;

    private sealed class ProcurementContract : Contracts.Procurement.V1.ProcurementService.ProcurementServiceBase;

    private sealed class OperationsContract : Contracts.Operations.V1.EventOperations.EventOperationsBase;

    private sealed class ApprovalsContract : Contracts.Approvals.V1.ApprovalsService.ApprovalsServiceBase;

    private sealed class SlotsContract : Contracts.Slots.V1.SlotsService.SlotsServiceBase;

    private sealed class OutboxOperationsContract : Contracts.Operations.V1.OutboxOperations.OutboxOperationsBase;
}
