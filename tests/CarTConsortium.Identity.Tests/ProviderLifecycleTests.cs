using System.Net;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>Restarts on the same database, several providers in one process, and bad configuration.</summary>
public sealed class ProviderLifecycleTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-identity-life-");

    [Fact]
    public async Task After_a_restart_on_the_same_database_the_kid_users_and_refresh_tokens_survive()
    {
        var port = IdentityProviderHost.FreePort();
        string kid, refreshToken;
        await using (var first = await IdentityProviderHost.StartAsync("KZ", _folder, port: port))
        {
            kid = Assert.Single(await first.PublishedKidsAsync());
            using var browser = new BrowserSession();
            var verifier = BrowserSession.NewVerifier();
            var code = await browser.SignInForCodeAsync(first.Issuer, verifier);
            var (_, tokens) = await first.TokenAsync(("grant_type", "authorization_code"), ("code", code),
                ("client_id", IdentityProviderHost.PortalClient), ("redirect_uri", IdentityProviderHost.PortalRedirect), ("code_verifier", verifier));
            refreshToken = tokens.GetProperty("refresh_token").GetString()!;
        }

        await using var second = await IdentityProviderHost.StartAsync("KZ", _folder, port: port);

        Assert.Equal([kid], await second.PublishedKidsAsync());
        Assert.Equal(kid, IdentityProviderHost.Kid(await second.ClientCredentialsTokenAsync()));
        var (status, refreshed) = await second.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refreshToken),
            ("client_id", IdentityProviderHost.PortalClient));
        Assert.True(status == HttpStatusCode.OK, refreshed.ToString());
        using var browserAfter = new BrowserSession();
        var verifierAfter = BrowserSession.NewVerifier();
        var codeAfter = await browserAfter.SignInForCodeAsync(second.Issuer, verifierAfter);
        Assert.False(string.IsNullOrEmpty(codeAfter));
    }

    [Fact]
    public async Task Two_providers_in_one_process_have_their_own_issuer_keys_country_and_sessions()
    {
        await using var kz = await IdentityProviderHost.StartAsync("KZ", _folder);
        await using var uz = await IdentityProviderHost.StartAsync("UZ", _folder);

        var kzToken = await kz.ClientCredentialsTokenAsync();
        var uzToken = await uz.ClientCredentialsTokenAsync();

        Assert.NotEqual(kz.Issuer, uz.Issuer);
        Assert.Equal(kz.Issuer.AbsoluteUri, new JsonWebToken(kzToken).Issuer);
        Assert.Equal(uz.Issuer.AbsoluteUri, new JsonWebToken(uzToken).Issuer);
        Assert.Equal("KZ", new JsonWebToken(kzToken).GetClaim("country").Value);
        Assert.Equal("UZ", new JsonWebToken(uzToken).GetClaim("country").Value);
        Assert.Empty((await kz.PublishedKidsAsync()).Intersect(await uz.PublishedKidsAsync()));
        Assert.True((await kz.ValidateAsync(kzToken)).IsValid);
        Assert.False((await uz.ValidateAsync(kzToken)).IsValid);

        // Same host name, so a browser sends KZ's cookies to UZ too: they must not sign anybody in there.
        using var browser = new BrowserSession();
        await browser.SignInForCodeAsync(kz.Issuer, BrowserSession.NewVerifier());
        using var atUz = await browser.GetAsync(BrowserSession.AuthorizeUri(uz.Issuer, BrowserSession.ChallengeOf(BrowserSession.NewVerifier())));
        Assert.Equal(HttpStatusCode.Redirect, atUz.StatusCode);
        Assert.Equal("/account/login", new Uri(uz.Issuer, atUz.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task The_consortium_provider_issues_no_country()
    {
        await using var consortium = await IdentityProviderHost.StartAsync(null, _folder);

        var token = new JsonWebToken(await consortium.ClientCredentialsTokenAsync());

        Assert.False(token.TryGetClaim("country", out _));
        Assert.Equal(IdentityProviderHost.HospitalOrg, token.GetClaim("org").Value);
    }

    [Fact]
    public void Every_configuration_problem_is_reported_at_once()
    {
        var settings = IdentityProviderHost.Settings("kz", Path.Combine(_folder, "bad.db"), 5999);
        settings["Identity:Issuer"] = "/relative/";
        settings["Identity:Clients:0:Roles:0"] = "janitor";
        settings["Identity:Clients:1:ClientId"] = IdentityProviderHost.HospitalClient;
        settings.Remove("Identity:Clients:1:RedirectUris:0");
        settings["Identity:Clients:1:Scopes:1"] = "everything";
        settings["Identity:Users:0:Roles:0"] = "superuser";
        settings["Identity:SigningKeys:PublishAhead"] = "40.00:00:00";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var error = Assert.Throws<OptionsValidationException>(Load(configuration));

        Assert.Contains(error.Failures, e => e.Contains("Identity:Issuer = '/relative/': must be an absolute", StringComparison.Ordinal));
        Assert.Contains(error.Failures, e => e.Contains("Identity:Country = 'kz': must be an ISO 3166-1 alpha-2", StringComparison.Ordinal));
        Assert.Contains(error.Failures, e => e.Contains("Roles = 'janitor': is an unknown role", StringComparison.Ordinal));
        Assert.Contains(error.Failures, e => e.Contains("Roles = 'superuser': is an unknown role", StringComparison.Ordinal));
        Assert.Contains(error.Failures, e => e.Contains($"ClientId = '{IdentityProviderHost.HospitalClient}': is used by another client", StringComparison.Ordinal));
        Assert.Contains(error.Failures, e => e.Contains("is public and needs at least one RedirectUris entry", StringComparison.Ordinal));
        Assert.Contains(error.Failures, e => e.Contains("Scopes = 'everything': is an unknown scope", StringComparison.Ordinal));
        Assert.Contains(error.Failures, e => e.Contains("PublishAhead", StringComparison.Ordinal));
        Assert.Equal(8, error.Failures.Count());
    }

    [Theory]
    [InlineData("Identity:Issuer", "http://idp.example.org/", "must use https")]
    [InlineData("Identity:Issuer", "https://idp.example.org/?tenant=kz", "without query")]
    [InlineData("Identity:Clients:0:ClientSecret", null, "needs a ClientSecret")]
    [InlineData("Identity:Clients:0:Org", null, "needs an Org")]
    [InlineData("Identity:Users:0:Password", null, "needs a Password")]
    [InlineData("Identity:Database", null, "Identity:Database")]
    public void A_single_problem_is_named(string key, string? value, string expected)
    {
        var settings = IdentityProviderHost.Settings("KZ", Path.Combine(_folder, "bad.db"), 5999);
        settings["Identity:RequireHttps"] = "true";
        settings["Identity:Issuer"] = "https://idp.example.org/";
        settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var error = Assert.Throws<OptionsValidationException>(Load(configuration));

        Assert.Contains(error.Failures, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_provider_with_bad_configuration_does_not_start()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() =>
            IdentityProviderHost.StartAsync("KZ", _folder, adjust: s => s["Identity:Country"] = "Kazakhstan"));
    }

    public void Dispose() => _folder.Dispose();

    private static Action Load(IConfiguration configuration) =>
        () => configuration.GetValidatedSettings<IdentitySettings, IdentitySettingsValidator>();
}
