using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// People and key rotation end to end: a person signs in on a country provider's login page
/// (authorization code + PKCE, driven by a real HTTP client) and uses the token at the
/// gateway; a provider rotates its signing key and the gateway follows without a restart.
/// </summary>
public sealed class SignInTests
{
    private const string Portal = "consortium-portal";
    private const string Callback = "http://127.0.0.1:8400/callback";

    [Fact]
    public async Task A_person_signs_in_at_the_kz_provider_and_calls_the_gateway_then_refreshes()
    {
        await using var running = await RunningPlatform.StartAsync(demoData: true);
        var issuer = running.Platform.Issuers["identity-kz"];
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var authorize = QueryHelpers.AddQueryString(new Uri(issuer, "connect/authorize").AbsoluteUri, new Dictionary<string, string?>
        {
            ["client_id"] = Portal,
            ["response_type"] = "code",
            ["redirect_uri"] = Callback,
            ["scope"] = "openid offline_access registry",
            ["state"] = "s1",
            ["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        });

        // Not signed in yet: the provider sends the browser to its login page.
        using var first = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var loginPage = new Uri(issuer, first.Headers.Location!.ToString());
        using var page = await browser.GetAsync(loginPage);
        var document = await BrowsingContext.New(Configuration.Default).OpenAsync(r => r.Content(page.Content.ReadAsStream()));
        var form = document.QuerySelector<IHtmlFormElement>("form")!;
        var fields = form.Elements.OfType<IHtmlInputElement>().Where(i => i.Type == "hidden").Select(i => KeyValuePair.Create(i.Name!, i.Value))
            .Append(KeyValuePair.Create("username", "kz.coordinator"))
            .Append(KeyValuePair.Create("password", "demo-password"));
        using var signedIn = await browser.PostAsync(new Uri(loginPage, form.GetAttribute("action")), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var back = await browser.GetAsync(new Uri(issuer, signedIn.Headers.Location!.ToString()));
        var callback = back.Headers.Location!;
        Assert.StartsWith(Callback, callback.AbsoluteUri, StringComparison.Ordinal);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();

        var tokens = await TokenRequestAsync(browser, issuer, new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = Callback,
            ["client_id"] = Portal,
            ["code_verifier"] = verifier,
        });
        var access = new JsonWebToken(tokens.GetProperty("access_token").GetString());
        Assert.Equal("KZ", access.GetClaim("country").Value);
        Assert.Equal("kz-astana-childrens", access.GetClaim("org").Value);
        Assert.Equal("hospital_coordinator", access.GetClaim("role").Value);
        Assert.Equal(HttpStatusCode.OK, await GatewayStatusAsync(running, access.EncodedToken));

        var refreshed = await TokenRequestAsync(browser, issuer, new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
            ["client_id"] = Portal,
        });
        Assert.Equal(HttpStatusCode.OK, await GatewayStatusAsync(running, refreshed.GetProperty("access_token").GetString()!));
    }

    [Fact]
    public async Task The_gateway_follows_a_key_rotation_and_keeps_accepting_tokens_of_the_previous_key_until_they_expire()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var running = await RunningPlatform.StartAsync(configure: options => options with
        {
            Clock = clock,
            Settings = new Dictionary<string, string?>(options.Settings)
            {
                ["Identity:SigningKeys:RotationPeriod"] = "1.00:00:00",
                ["Identity:SigningKeys:PublishAhead"] = "01:00:00",
                // Follow an unknown key id at once (deployments keep the 30 s default).
                ["Federation:KeyRefreshInterval"] = "00:00:01",
            },
        });
        var hospital = DemoClients.KzHospital;

        var before = await running.FreshTokenAsync(hospital);
        Assert.Equal(HttpStatusCode.OK, await GatewayStatusAsync(running, before));
        Assert.Single(await JwksKidsAsync(running));

        // The next key is published an hour ahead of its use; five minutes before the switch
        // the JWKS holds both, and the current key still signs.
        clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(59));
        clock.Advance(TimeSpan.FromMinutes(54));
        var lastOfOld = await running.FreshTokenAsync(hospital);
        Assert.Equal(Kid(before), Kid(lastOfOld));
        Assert.Equal(2, (await JwksKidsAsync(running)).Count);

        // After the switch: new tokens carry the new key, which the gateway fetches when it first sees it.
        clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var firstOfNew = await running.FreshTokenAsync(hospital);
        Assert.NotEqual(Kid(lastOfOld), Kid(firstOfNew));
        Assert.Contains(Kid(firstOfNew), await JwksKidsAsync(running));
        Assert.Equal(HttpStatusCode.OK, await GatewayStatusAsync(running, firstOfNew));
        // The old key's last token has not expired, and it still works.
        Assert.Equal(HttpStatusCode.OK, await GatewayStatusAsync(running, lastOfOld));

        // Once it has expired it is refused like any other expired token.
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.Unauthorized, await GatewayStatusAsync(running, lastOfOld));
    }

    private static string Kid(string token) => new JsonWebToken(token).Kid;

    private static async Task<List<string>> JwksKidsAsync(RunningPlatform running)
    {
        using var http = new HttpClient();
        using var jwks = JsonDocument.Parse(await http.GetStringAsync(new Uri(running.Platform.Issuers["identity-kz"], ".well-known/jwks")));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static async Task<HttpStatusCode> GatewayStatusAsync(RunningPlatform running, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/registry/products");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await running.Http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<JsonElement> TokenRequestAsync(HttpClient http, Uri issuer, Dictionary<string, string> form)
    {
        using var response = await http.PostAsync(new Uri(issuer, "connect/token"), new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
