using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CarTConsortium.Portal.Session;

/// <summary>Starting a sign-in at the chosen provider, and signing out (a POST with an antiforgery token).</summary>
public static class SessionEndpoints
{
    public const string SignOutPath = "/signout";

    public static void Map(WebApplication app)
    {
        app.MapGet(PortalSignIn.SignInPath + "/{provider}", (string provider, string? returnUrl, SignInChoices choices) =>
            choices.Find(provider) is { } choice
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOrHome(returnUrl) }, [choice.Scheme])
                : Results.NotFound())
            .AllowAnonymous();

        app.MapPost(SignOutPath, (HttpContext http, SignInChoices choices, [FromForm] string? returnUrl) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = "/" };
            // The provider first (it needs the ID token from the session), then the session itself.
            return choices.Find(http.User.FindFirst(PortalClaims.Provider)?.Value) is { } choice
                ? Results.SignOut(properties, [choice.Scheme, PortalSignIn.CookieScheme])
                : Results.SignOut(properties, [PortalSignIn.CookieScheme]);
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).AllowAnonymous();
    }

    /// <summary>Only a path of this site: an open redirect would let a link send a signed-in person anywhere.</summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
