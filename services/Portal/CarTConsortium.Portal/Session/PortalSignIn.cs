using System.Security.Claims;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CarTConsortium.Portal.Session;

/// <summary>
/// Sign-in as a backend-for-frontend: one OpenID Connect scheme per trusted provider
/// (authorization code + PKCE, public client), and a cookie that holds only a session key.
/// The tokens live on the server, in <see cref="SessionTicketStore"/>.
/// </summary>
public static class PortalSignIn
{
    public const string CookieScheme = "portal-session";
    public const string SignInPath = "/signin";
    public const string ReturnUrlParameter = "returnUrl";

    /// <summary>Every service scope, and what a person's session needs (ID token claims, refresh).</summary>
    public static readonly string[] Scopes = ["openid", "profile", "offline_access", "registry", "procurement", "approvals", "slots"];

    public static IServiceCollection AddPortalSignIn(this IServiceCollection services, FederationOptions federation, PortalOptions portal)
    {
        var choices = new SignInChoices(federation);
        services.AddDistributedMemoryCache();
        services.AddSingleton<SessionTicketStore>();
        services.AddSingleton<SessionTokens>();
        services.AddScoped<UserAccessToken>();
        services.AddHttpContextAccessor();

        var authentication = services.AddAuthentication(options =>
        {
            options.DefaultScheme = CookieScheme;
            options.DefaultChallengeScheme = CookieScheme;
        });
        authentication.AddCookie(CookieScheme, options =>
        {
            options.Cookie.Name = $".cartc.{PortalModule.Id}.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Not signed in (or the session ended): the country choice, then back where the person was.
            options.LoginPath = SignInPath;
            options.ReturnUrlParameter = ReturnUrlParameter;
            options.AccessDeniedPath = "/denied";
            options.ExpireTimeSpan = portal.SessionIdleTimeout;
            options.SlidingExpiration = true;
            options.Events.OnValidatePrincipal = ValidateSessionAsync;
        });
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme)
            .Configure<SessionTicketStore>((options, store) => options.SessionStore = store);

        foreach (var choice in choices.All)
        {
            authentication.AddOpenIdConnect(choice.Scheme, options =>
            {
                options.SignInScheme = CookieScheme;
                options.Authority = choice.Issuer.Issuer;
                options.MetadataAddress = choice.Issuer.DiscoveryAddress;
                options.RequireHttpsMetadata = federation.RequireHttpsMetadata;
                options.ClientId = portal.ClientId;
                options.ResponseType = OpenIdConnectResponseType.Code;
                // A query-string callback: form_post would need SameSite=None cookies, which need HTTPS.
                options.ResponseMode = OpenIdConnectResponseMode.Query;
                options.UsePkce = true;
                options.Scope.Clear();
                foreach (var scope in Scopes)
                {
                    options.Scope.Add(scope);
                }
                options.SaveTokens = true;
                options.GetClaimsFromUserInfoEndpoint = false;
                options.MapInboundClaims = false;
                options.TokenValidationParameters.NameClaimType = PortalClaims.Name;
                options.TokenValidationParameters.RoleClaimType = PlatformClaims.Role;
                options.CallbackPath = choice.CallbackPath;
                options.SignedOutCallbackPath = choice.SignedOutCallbackPath;
                options.SignedOutRedirectUri = "/";
                options.CorrelationCookie.Name = $".cartc.{PortalModule.Id}.correlation.";
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.Name = $".cartc.{PortalModule.Id}.nonce.";
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Events.OnTokenValidated = context =>
                {
                    var identity = (ClaimsIdentity)context.Principal!.Identity!;
                    identity.AddClaim(new Claim(PortalClaims.Session, Guid.NewGuid().ToString("N")));
                    identity.AddClaim(new Claim(PortalClaims.Provider, choice.Key));
                    return Task.CompletedTask;
                };
            });
        }
        return services;
    }

    /// <summary>Every request: a session whose tokens can no longer be refreshed (expired, revoked) is over.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var tokens = services.GetRequiredService<SessionTokens>();
        if (PortalClaims.SessionOf(context.Principal!) is not { } session
            || await tokens.AccessTokenAsync(session, context.HttpContext.RequestAborted) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }
        // A refresh may just have rotated the tokens: a sliding renewal of this request must store those, not the ones it loaded.
        if (await services.GetRequiredService<SessionTicketStore>().RetrieveAsync(session, context.HttpContext.RequestAborted) is { } current)
        {
            context.Properties.StoreTokens(current.Properties.GetTokens());
        }
    }
}
