using System.Net;
using System.Security.Cryptography;
using System.Text;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// A browser as far as the login flow needs one: a cookie jar, redirects followed by the test
/// step by step, and the login form read from the HTML the provider rendered.
/// </summary>
public sealed class BrowserSession : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="cookies">A shared cookie jar, or a new one.</param>
    /// <param name="source">The client address the provider sees (X-Forwarded-For, trusted by the test host), or loopback.</param>
    public BrowserSession(CookieContainer? cookies = null, string? source = null)
    {
        Cookies = cookies ?? new CookieContainer();
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false });
        if (source is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Forwarded-For", source);
        }
    }

    public CookieContainer Cookies { get; }

    public static string NewVerifier() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static string ChallengeOf(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public static Uri AuthorizeUri(Uri issuer, string? codeChallenge, string scope = "openid profile offline_access registry", string state = "state-1")
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = IdentityProviderHost.PortalClient,
            ["response_type"] = "code",
            ["redirect_uri"] = IdentityProviderHost.PortalRedirect,
            ["scope"] = scope,
            ["state"] = state,
            ["nonce"] = "nonce-1",
        };
        if (codeChallenge is not null)
        {
            query["code_challenge"] = codeChallenge;
            query["code_challenge_method"] = "S256";
        }
        return new Uri(QueryHelpers.AddQueryString(new Uri(issuer, "connect/authorize").AbsoluteUri, query));
    }

    public Task<HttpResponseMessage> GetAsync(Uri uri) => _http.GetAsync(uri);

    public async Task<HttpResponseMessage> PostFormAsync(Uri uri, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        return await _http.PostAsync(uri, content);
    }

    /// <summary>Posts the (first) form of a page the provider rendered, with its hidden fields as they are.</summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(Uri page, string html)
    {
        var form = await ReadFormAsync(html);
        var fields = form.Elements.OfType<IHtmlInputElement>().Where(i => i.Type == "hidden").Select(i => KeyValuePair.Create(i.Name!, i.Value));
        return await PostFormAsync(new Uri(page, form.GetAttribute("action")), fields);
    }

    /// <summary>Reads the login page's form and posts it back with the given credentials.</summary>
    public async Task<HttpResponseMessage> SubmitLoginAsync(Uri loginPage, string userName, string password)
    {
        using var page = await _http.GetAsync(loginPage);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var form = await ReadFormAsync(await page.Content.ReadAsStringAsync());
        var fields = form.Elements.OfType<IHtmlInputElement>()
            .Where(i => i.Type == "hidden")
            .Select(i => KeyValuePair.Create(i.Name!, i.Value))
            .Append(KeyValuePair.Create("username", userName))
            .Append(KeyValuePair.Create("password", password));
        using var content = new FormUrlEncodedContent(fields);
        return await _http.PostAsync(new Uri(loginPage, form.GetAttribute("action")), content);
    }

    public static async Task<IHtmlFormElement> ReadFormAsync(string html)
    {
        var document = await BrowsingContext.New(Configuration.Default).OpenAsync(request => request.Content(html));
        return document.QuerySelector<IHtmlFormElement>("form") ?? throw new InvalidOperationException("No form on the page.");
    }

    public static async Task<string?> ErrorOnPageAsync(string html)
    {
        var document = await BrowsingContext.New(Configuration.Default).OpenAsync(request => request.Content(html));
        return document.QuerySelector("#login-error")?.TextContent;
    }

    /// <summary>Runs authorize → login page → credentials → back to authorize, and returns the code.</summary>
    public async Task<string> SignInForCodeAsync(Uri issuer, string verifier, string scope = "openid profile offline_access registry")
    {
        using var first = await _http.GetAsync(AuthorizeUri(issuer, ChallengeOf(verifier), scope));
        var next = first.Headers.Location!;
        if (next.IsAbsoluteUri && next.AbsoluteUri.StartsWith(IdentityProviderHost.PortalRedirect, StringComparison.Ordinal))
        {
            return CodeFrom(next);
        }
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/account/login", new Uri(issuer, next).AbsolutePath);
        using var login = await SubmitLoginAsync(new Uri(issuer, next), IdentityProviderHost.UserName, IdentityProviderHost.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        using var back = await _http.GetAsync(new Uri(issuer, login.Headers.Location!));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        return CodeFrom(back.Headers.Location!);
    }

    public static string CodeFrom(Uri callback)
    {
        Assert.StartsWith(IdentityProviderHost.PortalRedirect, callback.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.False(query.ContainsKey("error"), callback.Query);
        return query["code"].ToString();
    }

    public void Dispose() => _http.Dispose();
}
