using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Identity.Endpoints;
using CarTConsortium.Identity.Keys;
using CarTConsortium.Identity.SignInProtection;
using CarTConsortium.Identity.Storage;
using CarTConsortium.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CarTConsortium.Identity;

/// <summary>
/// One OpenID Connect provider (a member country's or the consortium's), configured entirely
/// by the section <c>Identity</c> of the host's configuration. Several can run in one process,
/// one per <see cref="WebApplication"/>: nothing is shared between them but code.
/// </summary>
/// <param name="appId">The app id, like <c>identity-kz</c>: telemetry name, cookie and data-protection names.</param>
public sealed class IdentityModule(string appId) : IServiceModule
{
    public string AppId => appId;

    public void AddServices(WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetValidatedSettings<IdentitySettings, IdentitySettingsValidator>();
        var services = builder.Services;
        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);

        services.AddIdentityStore(settings);
        services.AddScoped<UserDirectory>();
        services.TryAddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddSingleton<KeyProtector>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<SignInGuard>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, KeyRingHandlers.SeedServerOptions>();
        services.AddHostedService<ConfigurationSync>();

        // Providers in one process share a host name (127.0.0.1), and browsers share cookies across
        // ports: distinct cookie names and data-protection purposes keep one provider's login out of another.
        // Replicas of one provider share its database, so they share the data-protection keys too: a login cookie
        // or anti-forgery token made by one is read by the others. Encrypted there like the signing keys.
        services.AddDataProtection().SetApplicationName(appId).PersistKeysToDbContext<IdentityStore>();
        services.Configure<KeyManagementOptions>(options => options.XmlEncryptor = new DataProtectionKeyEncryptor(settings));
        services.AddAntiforgery(options => options.Cookie.Name = $".cartc.{appId}.antiforgery");
        services.AddAuthentication().AddCookie(LoginPage.Scheme, options =>
        {
            options.Cookie.Name = $".cartc.{appId}.login";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = settings.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            options.LoginPath = LoginPage.Path;
            options.ReturnUrlParameter = LoginPage.ReturnUrlParameter;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = false;
        });

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityStore>())
            .AddServer(server =>
            {
                server.SetIssuer(settings.IssuerUri);
                server.SetAuthorizationEndpointUris(ProtocolEndpoints.AuthorizePath[1..])
                    .SetTokenEndpointUris(ProtocolEndpoints.TokenPath[1..])
                    .SetUserInfoEndpointUris(ProtocolEndpoints.UserInfoPath[1..])
                    .SetEndSessionEndpointUris(ProtocolEndpoints.EndSessionPath[1..]);
                // No password grant: people sign in on the provider's own page only.
                server.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .RequireProofKeyForCodeExchange();
                // S256 only: with "plain" the challenge is the verifier, so whoever sees the authorization request can redeem the code.
                server.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                });
                server.RegisterScopes([Scopes.Profile, .. IdentityVocabulary.ServiceScopes]);
                server.SetAccessTokenLifetime(settings.AccessTokenLifetime)
                    .SetIdentityTokenLifetime(settings.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(settings.RefreshTokenLifetime);
                // Resource servers validate access tokens with the JWKS alone, so they are signed, not encrypted.
                server.DisableAccessTokenEncryption();
                foreach (var handler in KeyRingHandlers.Descriptors.Concat(TokenEndpointGuard.Descriptors))
                {
                    server.AddEventHandler(handler);
                }
                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (!settings.RequireHttps)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            });
    }

    public void MapEndpoints(WebApplication app)
    {
        ProtocolEndpoints.Map(app);
        LoginPage.Map(app);
        app.MapGet("/", (IdentitySettings settings) => Results.Text($"CAR-T Consortium identity provider {settings}"));
    }
}
