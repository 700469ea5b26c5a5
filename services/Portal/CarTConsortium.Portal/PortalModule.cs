using System.Globalization;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Portal.Components;
using CarTConsortium.Portal.Errors;
using CarTConsortium.Portal.Gateway;
using CarTConsortium.Portal.Session;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace CarTConsortium.Portal;

/// <summary>
/// The consortium portal as an app a host runs: alone (CarTConsortium.Portal.Host) or beside
/// the platform (services/Standalone). It trusts the same identity providers as the gateway
/// (the <c>Federation</c> section), signs people in at theirs, and calls the gateway's gRPC
/// address (<c>Portal:GatewayGrpc</c>) with their own tokens.
/// </summary>
public sealed class PortalModule : IServiceModule
{
    public const string Id = "portal";

    public static readonly CultureInfo[] Cultures = [CultureInfo.GetCultureInfo("en"), CultureInfo.GetCultureInfo("ru")];

    public string AppId => Id;

    public void AddServices(WebApplicationBuilder builder)
    {
        var federation = builder.Configuration.GetValidatedSettings<FederationOptions, FederationOptionsValidator>();
        var portal = builder.Configuration.GetValidatedSettings<PortalOptions, PortalOptionsValidator>();
        var services = builder.Services;
        services.AddSingleton(portal);
        services.AddSingleton(new SignInChoices(federation));

        // Apps in one process share 127.0.0.1, and browsers share cookies across ports: own names and keys.
        services.AddDataProtection().SetApplicationName("cartc-" + Id);
        services.AddAntiforgery(options => options.Cookie.Name = $".cartc.{Id}.antiforgery");
        services.AddPortalSignIn(federation, portal);

        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            options.SupportedCultures = Cultures;
            options.SupportedUICultures = Cultures;
            // The user's choice (cookie) only; the browser's language would make the tests depend on the machine.
            options.RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = PortalCulture.CookieName }];
        });

        services.AddGatewayClients(portal);
        services.AddMemoryCache();
        services.AddScoped<FormDrafts>();
        services.AddScoped<CallGuard>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.UseRequestLocalization();
        // Every asset is the portal's own (no CDN): the Blazor script and the style sheet are embedded in this assembly.
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new EmbeddedFileProvider(typeof(PortalModule).Assembly, "PortalAssets") });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        SessionEndpoints.Map(app);
        PortalCulture.Map(app);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}
