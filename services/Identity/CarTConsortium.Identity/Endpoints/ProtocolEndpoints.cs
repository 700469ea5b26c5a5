using CarTConsortium.Identity.Storage;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CarTConsortium.Identity.Endpoints;

/// <summary>
/// The parts of the OAuth/OIDC endpoints OpenIddict hands back to the application (passthrough):
/// who the subject is and what the token says. OpenIddict has already checked the client,
/// its permissions, redirect URI and PKCE before these run.
/// </summary>
internal static class ProtocolEndpoints
{
    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string UserInfoPath = "/connect/userinfo";
    public const string EndSessionPath = "/connect/endsession";

    private const string Server = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], (Delegate)AuthorizeAsync);
        endpoints.MapPost(TokenPath, (Delegate)ExchangeAsync);
        endpoints.MapMethods(UserInfoPath, [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfoAsync);
        EndSessionPage.Map(endpoints);
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, IdentitySettings settings, UserDirectory users, IOpenIddictScopeManager scopeManager)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var client = settings.FindClient(request.ClientId);
        var requested = request.GetScopes();
        if (client is null || requested.Any(s => !client.Scopes.Contains(s)))
        {
            return Refuse(Errors.InvalidScope, "The client may not request these scopes.");
        }

        var login = await http.AuthenticateAsync(LoginPage.Scheme);
        var user = login.Succeeded ? await users.FindByIdAsync(login.Principal?.GetClaim(Claims.Subject), http.RequestAborted) : null;
        if (user is null)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }
            // Back to this very request after the login page.
            var parameters = http.Request.HasFormContentType ? (IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>)http.Request.Form : http.Request.Query;
            var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [LoginPage.Scheme]);
        }

        // Consent is implicit: every client is a first-party application of the consortium.
        var identity = TokenClaims.ForUser(user, settings);
        var resources = await ListResourcesAsync(scopeManager, requested, http.RequestAborted);
        return Results.SignIn(TokenClaims.Finish(identity, requested, resources), authenticationScheme: Server);
    }

    private static async Task<IResult> ExchangeAsync(HttpContext http, IdentitySettings settings, UserDirectory users, IOpenIddictScopeManager scopeManager)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            var client = settings.FindClient(request.ClientId);
            if (client is null || client.Public)
            {
                return Refuse(Errors.UnauthorizedClient, "The client may not use client credentials.");
            }
            var requested = request.GetScopes();
            // No scope asked: the client gets the services it is configured for.
            var granted = requested.IsEmpty ? [.. client.Scopes.Where(IdentityVocabulary.ServiceScopes.Contains)] : requested;
            if (granted.Any(s => !IdentityVocabulary.ServiceScopes.Contains(s) || !client.Scopes.Contains(s)))
            {
                return Refuse(Errors.InvalidScope, "Client credentials grant only the service scopes the client is configured for.");
            }
            var resources = await ListResourcesAsync(scopeManager, granted, http.RequestAborted);
            return Results.SignIn(TokenClaims.Finish(TokenClaims.ForClient(client, settings), granted, resources), authenticationScheme: Server);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token carries the grant; the person's claims are read afresh.
            var previous = (await http.AuthenticateAsync(Server)).Principal;
            var user = await users.FindByIdAsync(previous?.GetClaim(Claims.Subject), http.RequestAborted);
            if (previous is null || user is null)
            {
                return Refuse(Errors.InvalidGrant, "The user no longer exists.");
            }
            var identity = TokenClaims.ForUser(user, settings);
            return Results.SignIn(TokenClaims.Finish(identity, previous.GetScopes(), previous.GetResources()), authenticationScheme: Server);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, IdentitySettings settings, UserDirectory users)
    {
        var principal = (await http.AuthenticateAsync(Server)).Principal;
        var subject = principal?.GetClaim(Claims.Subject);
        var user = await users.FindByIdAsync(subject, http.RequestAborted);
        if (principal is null || user is null)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The token does not belong to a person.",
                }),
                [Server]);
        }
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = user.DisplayName ?? user.UserName;
            claims[Claims.PreferredUsername] = user.UserName;
        }
        if (settings.Country is not null)
        {
            claims[IdentityVocabulary.CountryClaim] = settings.Country;
        }
        claims[IdentityVocabulary.OrgClaim] = user.Org;
        claims[IdentityVocabulary.RoleClaim] = user.RoleList;
        return Results.Ok(claims);
    }

    private static async Task<List<string>> ListResourcesAsync(IOpenIddictScopeManager scopeManager, IEnumerable<string> scopes, CancellationToken ct)
    {
        var resources = new List<string>();
        await foreach (var resource in scopeManager.ListResourcesAsync([.. scopes], ct))
        {
            resources.Add(resource);
        }
        return resources;
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [Server]);
}
