using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Server.AspNetCore;

namespace CarTConsortium.Identity.Endpoints;

/// <summary>
/// Sign-out (RP-initiated logout). Only a POST carrying this site's antiforgery token ends the
/// session: a GET, which any page can trigger with a link or an image, shows a page asking to
/// confirm, whose form posts the same request back with the token.
/// </summary>
internal static class EndSessionPage
{
    private const string Server = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ProtocolEndpoints.EndSessionPath, AskAsync);
        endpoints.MapPost(ProtocolEndpoints.EndSessionPath, SignOutAsync);
    }

    private static async Task<IResult> AskAsync(HttpContext http, IAntiforgery antiforgery, IdentitySettings settings)
    {
        // Nobody is signed in here: there is nothing to end, so the client's sign-out simply completes.
        if (!(await http.AuthenticateAsync(LoginPage.Scheme)).Succeeded)
        {
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [Server]);
        }
        return Confirm(http, antiforgery, settings, error: null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, IdentitySettings settings)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Confirm(http, antiforgery, settings, "The sign-out request did not come from this site's page; confirm it here.", StatusCodes.Status400BadRequest);
        }
        await http.SignOutAsync(LoginPage.Scheme);
        // OpenIddict redirects to the validated post_logout_redirect_uri, or to this page.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [Server]);
    }

    /// <summary>The confirmation form: the request's own parameters (already validated by OpenIddict) posted back with the token.</summary>
    private static IResult Confirm(HttpContext http, IAntiforgery antiforgery, IdentitySettings settings, string? error, int status)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var parameters = request.GetParameters()
            .Where(p => p.Key != "__RequestVerificationToken" && (string?)p.Value is not null)
            .Select(p => KeyValuePair.Create(p.Key, (string)p.Value!));
        var body = $"""
            <p>Sign out of {System.Text.Encodings.Web.HtmlEncoder.Default.Encode(ProviderPage.Realm(settings))}?</p>
            {ProviderPage.FormStart(http, antiforgery, ProtocolEndpoints.EndSessionPath, parameters)}
            <button type="submit" id="confirm-sign-out">Sign out</button>
            </form>
            """;
        return ProviderPage.Render(http, "Sign out", ProviderPage.Realm(settings), error, body, status);
    }
}
