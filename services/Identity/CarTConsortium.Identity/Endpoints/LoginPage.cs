using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CarTConsortium.Identity.SignInProtection;
using CarTConsortium.Identity.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CarTConsortium.Identity.Endpoints;

/// <summary>
/// The server-rendered sign-in form. A successful sign-in sets the provider's own cookie and
/// returns to the (local) page that asked, normally the authorization request.
/// </summary>
internal static class LoginPage
{
    public const string Scheme = "IdentityLogin";
    public const string Path = "/account/login";
    public const string ReturnUrlParameter = "ReturnUrl";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, Show);
        endpoints.MapPost(Path, SignInAsync);
    }

    private static IResult Show(HttpContext http, IAntiforgery antiforgery, IdentitySettings settings, string? returnUrl) =>
        Render(http, antiforgery, settings, LocalOrRoot(returnUrl), userName: "", error: null);

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, IdentitySettings settings, UserDirectory users, SignInGuard guard, ILoggerFactory loggers)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.BadRequest("The sign-in form expired or did not come from this site; reload it.");
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var userName = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = LocalOrRoot(form[ReturnUrlParameter].ToString());

        if (userName.Length == 0 || password.Length == 0)
        {
            return Render(http, antiforgery, settings, returnUrl, userName, "The user name or password is incorrect.");
        }
        var account = Subject.Account(userName);
        var source = Subject.Source(SourceAddress.Of(http.Connection.RemoteIpAddress));
        await using var attempt = await guard.BeginAttemptAsync(account, source, http.RequestAborted);
        // A locked account or source is refused before the password is even checked: the right one too.
        if (await guard.FindLockAsync(account, source, http.RequestAborted) is { } lockout)
        {
            http.Response.Headers.RetryAfter = lockout.RetryAfterSeconds(guard.Now).ToString(CultureInfo.InvariantCulture);
            return Render(http, antiforgery, settings, returnUrl, userName, lockout.Message(guard.Now), StatusCodes.Status429TooManyRequests);
        }
        var user = await users.CheckPasswordAsync(userName, password, http.RequestAborted);
        if (user is null)
        {
            LoginPageLog.FailedSignIn(loggers.CreateLogger(typeof(LoginPage)), userName, source.Name);
            await guard.FailedAsync(account, source, http.RequestAborted);
            return Render(http, antiforgery, settings, returnUrl, userName, "The user name or password is incorrect.");
        }
        await guard.SucceededAsync(account, http.RequestAborted);

        var identity = new ClaimsIdentity(Scheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id));
        identity.AddClaim(new Claim(Claims.Name, user.UserName));
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(returnUrl);
    }

    /// <summary>Only a path on this site: an absolute or protocol-relative URL would make the form an open redirector.</summary>
    internal static string LocalOrRoot(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && !url.Any(char.IsControl)
            ? url
            : "/";

    private static IResult Render(HttpContext http, IAntiforgery antiforgery, IdentitySettings settings, string returnUrl, string userName, string? error, int status = StatusCodes.Status200OK)
    {
        var html = HtmlEncoder.Default;
        var body = $$"""
            <p>Sign in with your institution's account.</p>
            {{ProviderPage.FormStart(http, antiforgery, Path, [KeyValuePair.Create(ReturnUrlParameter, returnUrl)])}}
            <label for="username">User name</label>
            <input type="text" id="username" name="username" value="{{html.Encode(userName)}}" autocomplete="username" required autofocus>
            <label for="password">Password</label>
            <input type="password" id="password" name="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button>
            </form>
            """;
        return ProviderPage.Render(http, "Sign in", ProviderPage.Realm(settings), error, body, status);
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class LoginPageLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed sign-in for user name {UserName} from {Source}")]
    public static partial void FailedSignIn(ILogger logger, string? userName, string source);
}
