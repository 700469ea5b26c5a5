using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>A person signing in through the portal: authorization code with PKCE, the login page, refresh.</summary>
public sealed class LoginFlowTests(ProviderFixture fixture) : IClassFixture<ProviderFixture>
{
    private IdentityProviderHost Provider => fixture.Provider;

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> RedeemAsync(string code, string? verifier)
    {
        var form = new List<(string, string)>
        {
            ("grant_type", "authorization_code"), ("code", code), ("client_id", IdentityProviderHost.PortalClient),
            ("redirect_uri", IdentityProviderHost.PortalRedirect),
        };
        if (verifier is not null)
        {
            form.Add(("code_verifier", verifier));
        }
        return Provider.TokenAsync([.. form]);
    }

    [Fact]
    public async Task Signing_in_yields_access_id_and_refresh_tokens_with_the_users_claims()
    {
        using var browser = new BrowserSession();
        var verifier = BrowserSession.NewVerifier();

        var code = await browser.SignInForCodeAsync(Provider.Issuer, verifier);
        var (status, body) = await RedeemAsync(code, verifier);

        Assert.Equal(HttpStatusCode.OK, status);
        var access = body.GetProperty("access_token").GetString()!;
        var validated = await Provider.ValidateAsync(access);
        Assert.True(validated.IsValid, validated.Exception?.ToString());
        var jwt = (JsonWebToken)validated.SecurityToken;
        Assert.Equal("KZ", jwt.GetClaim("country").Value);
        Assert.Equal(IdentityProviderHost.HospitalOrg, jwt.GetClaim("org").Value);
        Assert.Equal(["hospital_coordinator", "clinician"], jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal(IdentityProviderHost.PortalClient, jwt.GetClaim("client_id").Value);
        Assert.Equal([IdentityVocabulary.Audience], jwt.Audiences);
        Assert.Contains("registry", jwt.GetClaim("scope").Value.Split(' '));

        var id = new JsonWebToken(body.GetProperty("id_token").GetString());
        Assert.Equal(jwt.Subject, id.Subject);
        Assert.Equal([IdentityProviderHost.PortalClient], id.Audiences);
        Assert.Equal("KZ", id.GetClaim("country").Value);
        Assert.Equal(IdentityProviderHost.HospitalOrg, id.GetClaim("org").Value);
        Assert.Equal(["hospital_coordinator", "clinician"], id.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal(IdentityProviderHost.UserName, id.GetClaim("preferred_username").Value);
        Assert.Equal("nonce-1", id.GetClaim("nonce").Value);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
    }

    [Fact]
    public async Task The_refresh_token_grant_returns_a_new_access_token()
    {
        using var browser = new BrowserSession();
        var verifier = BrowserSession.NewVerifier();
        var (_, first) = await RedeemAsync(await browser.SignInForCodeAsync(Provider.Issuer, verifier), verifier);

        var (status, refreshed) = await Provider.TokenAsync(("grant_type", "refresh_token"),
            ("refresh_token", first.GetProperty("refresh_token").GetString()!), ("client_id", IdentityProviderHost.PortalClient));

        Assert.Equal(HttpStatusCode.OK, status);
        var access = refreshed.GetProperty("access_token").GetString()!;
        Assert.NotEqual(first.GetProperty("access_token").GetString(), access);
        Assert.True((await Provider.ValidateAsync(access)).IsValid);
        Assert.Equal("KZ", new JsonWebToken(access).GetClaim("country").Value);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_form_again_with_an_error_and_signs_nobody_in()
    {
        using var browser = new BrowserSession();
        using var authorize = await browser.GetAsync(BrowserSession.AuthorizeUri(Provider.Issuer, BrowserSession.ChallengeOf(BrowserSession.NewVerifier())));
        var loginPage = new Uri(Provider.Issuer, authorize.Headers.Location!);

        using var response = await browser.SubmitLoginAsync(loginPage, IdentityProviderHost.UserName, "not-the-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal("The user name or password is incorrect.", await BrowserSession.ErrorOnPageAsync(html));
        Assert.NotNull(await BrowserSession.ReadFormAsync(html));
        Assert.DoesNotContain(browser.Cookies.GetCookies(Provider.Issuer), c => c.Name.EndsWith(".login", StringComparison.Ordinal));
        // Still not signed in: the authorization request goes back to the login page.
        using var again = await browser.GetAsync(BrowserSession.AuthorizeUri(Provider.Issuer, BrowserSession.ChallengeOf(BrowserSession.NewVerifier())));
        Assert.Equal("/account/login", new Uri(Provider.Issuer, again.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task A_login_post_without_the_antiforgery_token_is_refused()
    {
        using var browser = new BrowserSession();
        using var content = new FormUrlEncodedContent([
            KeyValuePair.Create("username", IdentityProviderHost.UserName), KeyValuePair.Create("password", IdentityProviderHost.Password)]);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var response = await http.PostAsync(new Uri(Provider.Issuer, "account/login"), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task After_login_the_form_returns_only_to_local_addresses()
    {
        using var browser = new BrowserSession();
        var loginPage = new Uri(Provider.Issuer, "account/login?ReturnUrl=" + Uri.EscapeDataString("https://evil.example/steal"));

        using var response = await browser.SubmitLoginAsync(loginPage, IdentityProviderHost.UserName, IdentityProviderHost.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_missing_or_wrong_PKCE_verifier_is_refused()
    {
        using var browser = new BrowserSession();
        var verifier = BrowserSession.NewVerifier();

        var (missingStatus, missing) = await RedeemAsync(await browser.SignInForCodeAsync(Provider.Issuer, verifier), verifier: null);
        var (wrongStatus, wrong) = await RedeemAsync(await browser.SignInForCodeAsync(Provider.Issuer, verifier), BrowserSession.NewVerifier());

        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.False(missing.TryGetProperty("access_token", out _));
        Assert.Equal(HttpStatusCode.BadRequest, wrongStatus);
        Assert.Equal("invalid_grant", wrong.GetProperty("error").GetString());
        Assert.False(wrong.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task An_authorization_request_without_a_code_challenge_is_refused()
    {
        using var browser = new BrowserSession();

        using var response = await browser.GetAsync(BrowserSession.AuthorizeUri(Provider.Issuer, codeChallenge: null));

        Assert.Equal("invalid_request", await AuthorizationErrorAsync(response));
    }

    [Fact]
    public async Task A_plain_PKCE_challenge_is_refused_and_only_S256_is_offered()
    {
        using var browser = new BrowserSession();
        var verifier = BrowserSession.NewVerifier();
        var plain = BrowserSession.AuthorizeUri(Provider.Issuer, verifier).AbsoluteUri.Replace("code_challenge_method=S256", "code_challenge_method=plain", StringComparison.Ordinal);

        using var response = await browser.GetAsync(new Uri(plain));
        using var discovery = await Provider.GetJsonAsync(".well-known/openid-configuration");

        Assert.Equal("invalid_request", await AuthorizationErrorAsync(response));
        Assert.Equal(["S256"], discovery.RootElement.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task A_person_scope_the_client_is_not_configured_for_is_refused()
    {
        using var browser = new BrowserSession();

        using var response = await browser.GetAsync(BrowserSession.AuthorizeUri(Provider.Issuer,
            BrowserSession.ChallengeOf(BrowserSession.NewVerifier()), scope: "openid procurement"));

        Assert.NotNull(await AuthorizationErrorAsync(response));
    }

    /// <summary>
    /// The error of a refused authorization request: in the redirect to the client, or (when
    /// OpenIddict refuses before trusting the redirect URI) in its own 400 page.
    /// </summary>
    private static async Task<string?> AuthorizationErrorAsync(HttpResponseMessage response)
    {
        if (response.Headers.Location is { } location)
        {
            Assert.StartsWith(IdentityProviderHost.PortalRedirect, location.AbsoluteUri, StringComparison.Ordinal);
            return QueryHelpers.ParseQuery(location.Query).TryGetValue("error", out var error) ? error.ToString() : null;
        }
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).Split('\n')
            .FirstOrDefault(line => line.StartsWith("error:", StringComparison.Ordinal))?["error:".Length..].Trim();
    }
}
