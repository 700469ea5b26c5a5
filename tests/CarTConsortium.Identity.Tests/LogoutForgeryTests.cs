using System.Net;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// Logout by a forged request (issue 15): a link or image that GETs the end-session endpoint, or a
/// cross-site form that POSTs to it without this site's antiforgery token, must not end anybody's session.
/// </summary>
public sealed class LogoutForgeryTests : IAsyncLifetime
{
    private const string SignedOut = "http://127.0.0.1:5999/signed-out";

    private readonly TemporaryFolder _folder = new("cartc-identity-logout-");
    private IdentityProviderHost _provider = null!;

    public async ValueTask InitializeAsync() =>
        _provider = await IdentityProviderHost.StartAsync("KZ", _folder, adjust: s => s["Identity:Clients:1:PostLogoutRedirectUris:0"] = SignedOut);

    private Uri EndSession => new(QueryHelpers.AddQueryString(new Uri(_provider.Issuer, "connect/endsession").AbsoluteUri,
        new Dictionary<string, string?> { ["client_id"] = IdentityProviderHost.PortalClient, ["post_logout_redirect_uri"] = SignedOut, ["state"] = "bye-1" }));

    [Fact]
    public async Task A_GET_to_the_end_session_endpoint_only_asks_and_the_session_goes_on()
    {
        using var browser = await SignedInBrowserAsync();

        using var response = await browser.GetAsync(EndSession);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var form = await BrowserSession.ReadFormAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("post", form.Method);
        Assert.Contains(form.Elements, e => e.GetAttribute("name") == "__RequestVerificationToken");
        // Another site cannot frame the confirm page and have the user click it.
        Assert.Equal("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        await AssertStillSignedInAsync(browser);
    }

    [Fact]
    public async Task A_POST_without_the_antiforgery_token_is_refused_and_the_session_goes_on()
    {
        using var browser = await SignedInBrowserAsync();

        using var response = await browser.PostFormAsync(new Uri(_provider.Issuer, "connect/endsession"), [
            KeyValuePair.Create("client_id", IdentityProviderHost.PortalClient),
            KeyValuePair.Create("post_logout_redirect_uri", SignedOut)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        await AssertStillSignedInAsync(browser);
    }

    [Fact]
    public async Task Confirming_on_the_providers_page_ends_the_session_and_returns_to_the_client()
    {
        using var browser = await SignedInBrowserAsync();
        using var page = await browser.GetAsync(EndSession);

        using var confirmed = await browser.SubmitFormAsync(EndSession, await page.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(SignedOut + "?state=bye-1", confirmed.Headers.Location!.AbsoluteUri);
        using var again = await browser.GetAsync(BrowserSession.AuthorizeUri(_provider.Issuer, BrowserSession.ChallengeOf(BrowserSession.NewVerifier())));
        Assert.Equal("/account/login", new Uri(_provider.Issuer, again.Headers.Location!).AbsolutePath);
    }

    private async Task<BrowserSession> SignedInBrowserAsync()
    {
        var browser = new BrowserSession();
        await browser.SignInForCodeAsync(_provider.Issuer, BrowserSession.NewVerifier());
        return browser;
    }

    /// <summary>Signed in: an authorization request goes straight back to the client with a code.</summary>
    private async Task AssertStillSignedInAsync(BrowserSession browser)
    {
        using var authorize = await browser.GetAsync(BrowserSession.AuthorizeUri(_provider.Issuer, BrowserSession.ChallengeOf(BrowserSession.NewVerifier())));
        Assert.False(string.IsNullOrEmpty(BrowserSession.CodeFrom(authorize.Headers.Location!)));
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _folder.Dispose();
    }
}
