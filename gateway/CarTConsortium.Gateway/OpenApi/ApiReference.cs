using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Writers;
using Swashbuckle.AspNetCore.SwaggerUI;

namespace CarTConsortium.Gateway.OpenApi;

/// <summary>The "OpenApi" settings, checked by <see cref="ApiReferenceOptionsValidator"/>.</summary>
public sealed class ApiReferenceOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "OpenApi";

    /// <summary>
    /// The gateway's REST address as integrating systems reach it (e.g. behind a TLS proxy), named as
    /// the document's server; when empty, the address the document was asked for.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>The settings' mistakes, each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicUrl is { } url && !(url.IsAbsoluteUri && url.Scheme is "http" or "https"))
        {
            yield return Setting.Problem(Section, nameof(PublicUrl), url, "is not an absolute http(s) address");
        }
    }
}

/// <summary>Checks <see cref="ApiReferenceOptions"/> before the reference is wired, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class ApiReferenceOptionsValidator : IValidateOptions<ApiReferenceOptions>;

/// <summary>
/// Publishes the REST API for the systems that integrate: the OpenAPI document at
/// <see cref="DocumentPath"/> and a browsable reference (Swagger UI, served from the gateway's
/// own assets) at <see cref="ReferencePath"/>. Both are public, like the contract, and spend
/// from the caller's quota like every other request.
/// </summary>
public static class ApiReference
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api-docs";

    public static IServiceCollection AddApiReference(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetValidatedSettings<ApiReferenceOptions, ApiReferenceOptionsValidator>();
        services.AddSingleton(options);
        services.AddSingleton<RestApiDocument>();
        return services;
    }

    /// <summary>
    /// The reference's pages. They are middleware, not endpoints, so this goes after the rate
    /// limiter and before authorization (whose fallback policy would ask them for a token).
    /// </summary>
    public static void UseApiReference(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<ApiReferenceOptions>();
        var policy = ContentSecurityPolicy(options);
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(ReferencePath))
            {
                // The browser itself refuses anything from another host, whatever a script asks for.
                context.Response.Headers.ContentSecurityPolicy = policy;
                context.Response.Headers.XContentTypeOptions = "nosniff";
            }
            return next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = ReferencePath,
            FileProvider = new EmbeddedFileProvider(typeof(ApiReference).Assembly, "CarTConsortium.Gateway.OpenApi.Assets"),
        });
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = ReferencePath.TrimStart('/');
            ui.DocumentTitle = RestApiDocument.Title;
            ui.SwaggerEndpoint(DocumentPath, RestApiDocument.Title);
            ui.IndexStream = () => typeof(ApiReference).Assembly.GetManifestResourceStream("CarTConsortium.Gateway.OpenApi.api-docs.html")!;
            ui.DisplayOperationId();
            ui.DocExpansion(DocExpansion.List);
            ui.DefaultModelsExpandDepth(0);
            ui.EnableFilter();
            ui.EnableDeepLinking();
        });
    }

    /// <summary>The document, public like the protos it is generated from.</summary>
    public static void MapApiDocument(this WebApplication app) =>
        app.MapGet(DocumentPath, WriteDocumentAsync).AllowAnonymous();

    private static async Task WriteDocumentAsync(HttpContext context, RestApiDocument rest, ApiReferenceOptions options)
    {
        var template = rest.Document;
        var server = options.PublicUrl?.ToString() ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/";
        // A copy that shares the generated parts: the cached document itself is never changed.
        var document = new OpenApiDocument
        {
            Info = template.Info,
            Servers = [new OpenApiServer { Url = server, Description = "The consortium's gateway (REST/JSON)" }],
            Paths = template.Paths,
            Components = template.Components,
            SecurityRequirements = template.SecurityRequirements,
            Tags = template.Tags,
        };
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        document.SerializeAsV3(new OpenApiJsonWriter(text));
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }

    private static string ContentSecurityPolicy(ApiReferenceOptions options)
    {
        var connect = options.PublicUrl is { } url ? $"'self' {url.GetLeftPart(UriPartial.Authority)}" : "'self'";
        return "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
            $"connect-src {connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }
}
