using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace CarTConsortium.Identity.Endpoints;

/// <summary>The provider's own HTML pages (sign-in, sign-out): one frame, every value encoded, never cached.</summary>
internal static class ProviderPage
{
    public static string Realm(IdentitySettings settings) =>
        settings.Country is null ? "CAR-T Consortium" : $"CAR-T Consortium — {settings.Country}";

    /// <summary>A form posting to <paramref name="action"/> with this browser's antiforgery token and the given hidden fields.</summary>
    public static string FormStart(HttpContext http, IAntiforgery antiforgery, string action, IEnumerable<KeyValuePair<string, string>> hidden)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = HtmlEncoder.Default;
        var form = new StringBuilder();
        form.Append($"""<form method="post" action="{html.Encode(http.Request.PathBase + action)}">""").Append('\n');
        foreach (var (name, value) in hidden.Prepend(KeyValuePair.Create(tokens.FormFieldName, tokens.RequestToken ?? "")))
        {
            form.Append($"""<input type="hidden" name="{html.Encode(name)}" value="{html.Encode(value)}">""").Append('\n');
        }
        return form.ToString();
    }

    /// <summary>The whole page around <paramref name="body"/> (already HTML); <paramref name="error"/> shown above it.</summary>
    public static IResult Render(HttpContext http, string title, string realm, string? error, string body, int status)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{html.Encode(title)}} · {{html.Encode(realm)}}</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 24rem; margin: 4rem auto; padding: 0 1rem; }
            label { display: block; margin-top: 1rem; }
            input[type=text], input[type=password] { width: 100%; padding: .4rem; box-sizing: border-box; }
            button { margin-top: 1.5rem; padding: .5rem 1.5rem; }
            .error { color: #b00020; border: 1px solid #b00020; padding: .5rem; }
            </style>
            </head>
            <body>
            <h1>{{html.Encode(realm)}}</h1>
            """);
        if (error is not null)
        {
            page.Append($"""<p class="error" role="alert" id="login-error">{html.Encode(error)}</p>""");
        }
        page.Append(body).Append("\n</body>\n</html>\n");
        // Never cached: the page holds an antiforgery token. Never framed: a framed sign-in or sign-out form
        // could be clicked for the user (clickjacking).
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        http.Response.Headers.XFrameOptions = "DENY";
        return Results.Content(page.ToString(), "text/html; charset=utf-8", statusCode: status);
    }
}
