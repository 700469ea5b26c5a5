using System.Security.Claims;
using System.Text.Encodings.Web;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>
/// Token validation against the federation of country identity providers. Each trusted
/// issuer gets a JWT bearer scheme of its own (its own discovery document and key cache);
/// a policy scheme picks one by the token's <c>iss</c>, and a token from any other issuer
/// goes to a scheme that only rejects. After the signature, issuer, audience and lifetime
/// checks, the issuer's binding is enforced: a country provider speaks only for its own
/// country and can never make anyone a consortium admin.
/// </summary>
public static class FederatedAuthentication
{
    public const string Scheme = "federation";

    /// <summary>The authorization policy "any caller with a token the federation accepts".</summary>
    public const string Policy = "federated";

    private const string UntrustedScheme = "federation-untrusted";

    // Only public-key signatures: an HMAC token "signed" with a provider's public key, or
    // an unsigned one, never gets to a key.
    private static readonly string[] PublicKeyAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>
    /// Authenticates every request against the "Federation" settings and makes a valid token
    /// the default requirement of every endpoint; infrastructure endpoints opt out explicitly.
    /// </summary>
    public static WebApplicationBuilder AddFederatedAuthentication(this WebApplicationBuilder builder)
    {
        var federation = builder.Configuration.GetValidatedSettings<FederationOptions, FederationOptionsValidator>();
        builder.Services.AddSingleton(federation);
        builder.Services.TryAddSingleton<FederationTelemetry>();
        builder.Services.TryAddSingleton<MetadataHttpClient>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, FederatedChallenge>();

        var authentication = builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Federated country issuers", options =>
                options.ForwardDefaultSelector = context => SelectScheme(context.Request, federation))
            .AddScheme<AuthenticationSchemeOptions, UntrustedTokenHandler>(UntrustedScheme, null);
        foreach (var issuer in federation.Issuers)
        {
            authentication.AddJwtBearer(SchemeOf(issuer));
            builder.Services.AddOptions<JwtBearerOptions>(SchemeOf(issuer))
                .Configure<TimeProvider, FederationTelemetry, MetadataHttpClient>((options, clock, telemetry, http) =>
                    ConfigureIssuer(options, issuer, federation, clock, telemetry, http.Client));
        }

        var federated = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, federated)
            .SetDefaultPolicy(federated)
            // An endpoint that says nothing needs a token too: forgetting is not opening.
            .SetFallbackPolicy(federated);
        return builder;
    }

    /// <summary>The reason a validated token still breaks its issuer's binding, or null when it does not.</summary>
    public static string? BindingViolation(TrustedIssuer issuer, ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(principal);
        var countries = principal.FindAll(PlatformClaims.Country).Select(c => c.Value).ToList();
        if (issuer.Consortium)
        {
            return countries.Count == 0 ? null : RejectionReasons.CountryMismatch;
        }
        if (countries.Count != 1 || !string.Equals(countries[0], issuer.Country, StringComparison.Ordinal))
        {
            return RejectionReasons.CountryMismatch;
        }
        return principal.HasClaim(PlatformClaims.Role, Roles.ConsortiumAdmin) ? RejectionReasons.RoleNotGrantable : null;
    }

    private static string SchemeOf(TrustedIssuer issuer) => "issuer:" + issuer.Issuer;

    private static string SelectScheme(HttpRequest request, FederationOptions federation) =>
        BearerToken.From(request) is { } token && federation.Find(BearerToken.UnverifiedIssuer(token)) is { } issuer
            ? SchemeOf(issuer)
            : UntrustedScheme;

    private static void ConfigureIssuer(JwtBearerOptions options, TrustedIssuer issuer, FederationOptions federation, TimeProvider clock,
        FederationTelemetry telemetry, HttpClient http)
    {
        var metadata = new IssuerMetadata(issuer, http, federation, telemetry);
        options.ConfigurationManager = metadata;
        options.RefreshOnIssuerKeyNotFound = true;
        options.MapInboundClaims = false;
        // A rejection says 401 and nothing more: no hint of which check failed.
        options.IncludeErrorDetails = false;
        options.TimeProvider = clock;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = federation.Audience,
            ValidAlgorithms = PublicKeyAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = federation.ClockSkew,
            // The app's clock, not the machine's, so tests can move time.
            LifetimeValidator = (notBefore, expires, token, parameters) =>
            {
                TokenLifetimeRule.Check(notBefore, IssuedAt(token), expires, clock.GetUtcNow().UtcDateTime, parameters.ClockSkew, federation.MaxTokenLifetime);
                return true;
            },
            NameClaimType = PlatformClaims.Subject,
            RoleClaimType = PlatformClaims.Role,
        };
        options.Events = new JwtBearerEvents
        {
            // A key rotated in before we fetched it: refresh before this token is checked.
            OnMessageReceived = async context =>
            {
                if (BearerToken.From(context.Request) is { } token && BearerToken.UnverifiedKeyId(token) is { } kid)
                {
                    await metadata.GetConfigurationAsync(context.HttpContext.RequestAborted);
                    if (!metadata.Knows(kid))
                    {
                        metadata.RequestRefresh();
                    }
                }
            },
            OnAuthenticationFailed = context =>
            {
                if (context.Exception is IssuerUnavailableException unavailable)
                {
                    // Refused, not thrown: without this the handler rethrows and the caller gets a 500.
                    FederatedChallenge.IssuerUnavailable(context.HttpContext, unavailable);
                    context.Fail(unavailable);
                }
                telemetry.Rejected(context.HttpContext, RejectionReasons.Of(context.Exception), issuer.Issuer);
                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                if (context.Principal is { } principal && BindingViolation(issuer, principal) is { } reason)
                {
                    telemetry.Rejected(context.HttpContext, reason, issuer.Issuer);
                    context.Fail(reason);
                }
                return Task.CompletedTask;
            },
        };
    }

    // JsonWebToken says DateTime.MinValue when the token has no iat.
    private static DateTime? IssuedAt(SecurityToken token) =>
        token is JsonWebToken { IssuedAt: var issued } && issued != DateTime.MinValue ? issued : null;

    /// <summary>Rejects any token whose issuer is not trusted; a request without a token is left anonymous.</summary>
    private sealed class UntrustedTokenHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, FederationTelemetry telemetry)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (BearerToken.From(Request) is not { } token)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }
            var reason = BearerToken.UnverifiedIssuer(token) is null ? RejectionReasons.Malformed : RejectionReasons.UnknownIssuer;
            telemetry.Rejected(Context, reason, issuer: null);
            return Task.FromResult(AuthenticateResult.Fail(reason));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = JwtBearerDefaults.AuthenticationScheme;
            return Task.CompletedTask;
        }
    }
}

/// <summary>Reads the bearer token of a request, and its issuer before anything is verified (only to pick the scheme).</summary>
internal static class BearerToken
{
    private static readonly JsonWebTokenHandler Reader = new();

    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length
            ? header[prefix.Length..].Trim()
            : null;
    }

    public static string? UnverifiedIssuer(string token) => Read(token)?.Issuer is { Length: > 0 } issuer ? issuer : null;

    public static string? UnverifiedKeyId(string token) => Read(token)?.Kid is { Length: > 0 } kid ? kid : null;

    private static JsonWebToken? Read(string token)
    {
        if (!Reader.CanReadToken(token))
        {
            return null;
        }
        try
        {
            return Reader.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
