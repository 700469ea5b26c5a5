using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>Discovery, JWKS, and a hospital system getting a token for itself.</summary>
public sealed class ClientCredentialsTests(ProviderFixture fixture) : IClassFixture<ProviderFixture>
{
    private IdentityProviderHost Provider => fixture.Provider;

    [Fact]
    public async Task Discovery_names_the_configured_issuer_and_the_endpoints()
    {
        using var discovery = await Provider.GetJsonAsync(".well-known/openid-configuration");
        var root = discovery.RootElement;

        Assert.Equal(Provider.Issuer.AbsoluteUri, root.GetProperty("issuer").GetString());
        Assert.Equal(new Uri(Provider.Issuer, ".well-known/jwks").AbsoluteUri, root.GetProperty("jwks_uri").GetString());
        Assert.Equal(new Uri(Provider.Issuer, "connect/authorize").AbsoluteUri, root.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(new Uri(Provider.Issuer, "connect/token").AbsoluteUri, root.GetProperty("token_endpoint").GetString());
        Assert.Equal(new Uri(Provider.Issuer, "connect/userinfo").AbsoluteUri, root.GetProperty("userinfo_endpoint").GetString());
        Assert.Equal(new Uri(Provider.Issuer, "connect/endsession").AbsoluteUri, root.GetProperty("end_session_endpoint").GetString());
        var grants = root.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { "client_credentials", "authorization_code", "refresh_token" }, grants);
        var scopes = root.GetProperty("scopes_supported").EnumerateArray().Select(g => g.GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "openid", "profile", "offline_access", "registry", "procurement", "approvals", "slots" }, scopes);
    }

    [Fact]
    public async Task The_JWKS_holds_one_public_RSA_signing_key()
    {
        using var jwks = await Provider.GetJsonAsync(".well-known/jwks");

        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
        Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
        Assert.True(key.TryGetProperty("n", out _) && key.TryGetProperty("e", out _));
        foreach (var privatePart in new[] { "d", "p", "q", "dp", "dq", "qi" })
        {
            Assert.False(key.TryGetProperty(privatePart, out _), $"The JWKS leaks '{privatePart}'.");
        }
    }

    [Fact]
    public async Task A_client_credentials_token_validates_with_the_JWKS_and_carries_exactly_the_platform_claims()
    {
        var token = await Provider.ClientCredentialsTokenAsync("registry slots");

        var result = await Provider.ValidateAsync(token);

        Assert.True(result.IsValid, result.Exception?.ToString());
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal(Provider.Issuer.AbsoluteUri, jwt.Issuer);
        Assert.Equal([IdentityVocabulary.Audience], jwt.Audiences);
        Assert.Equal(IdentityProviderHost.HospitalClient, jwt.Subject);
        Assert.Equal(IdentityProviderHost.HospitalClient, jwt.GetClaim("client_id").Value);
        Assert.Equal("KZ", jwt.GetClaim("country").Value);
        Assert.Equal(IdentityProviderHost.HospitalOrg, jwt.GetClaim("org").Value);
        Assert.Equal(["hospital_coordinator"], jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal("registry slots", jwt.GetClaim("scope").Value);
        // The platform's claims, the JWT's own (exp, iat, jti), and OpenIddict's bookkeeping
        // (oi_prst: the presenter, oi_tkn_id: the stored token entry); nothing else.
        Assert.Equal(
            new HashSet<string> { "iss", "aud", "sub", "client_id", "country", "org", "role", "scope", "exp", "iat", "jti", "oi_prst", "oi_tkn_id" },
            jwt.Claims.Select(c => c.Type).ToHashSet());
    }

    [Fact]
    public async Task Without_a_scope_the_client_gets_the_services_it_is_configured_for()
    {
        var (status, body) = await Provider.TokenAsync(("grant_type", "client_credentials"),
            ("client_id", IdentityProviderHost.HospitalClient), ("client_secret", IdentityProviderHost.HospitalSecret));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("registry slots", new JsonWebToken(body.GetProperty("access_token").GetString()).GetClaim("scope").Value);
    }

    [Fact]
    public async Task A_wrong_secret_is_an_invalid_client()
    {
        var (status, body) = await Provider.TokenAsync(("grant_type", "client_credentials"),
            ("client_id", IdentityProviderHost.HospitalClient), ("client_secret", "not-the-secret"), ("scope", "registry"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Theory]
    [InlineData("procurement")]
    [InlineData("registry approvals")]
    [InlineData("openid")]
    public async Task A_scope_the_client_is_not_configured_for_is_refused(string scope)
    {
        var (status, body) = await Provider.TokenAsync(("grant_type", "client_credentials"),
            ("client_id", IdentityProviderHost.HospitalClient), ("client_secret", IdentityProviderHost.HospitalSecret), ("scope", scope));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        // OpenIddict's own permission check answers invalid_request; the module's (person scopes) invalid_scope.
        Assert.True(body.GetProperty("error").GetString() is "invalid_scope" or "invalid_request", body.ToString());
        Assert.Contains("scope", body.GetProperty("error_description").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task The_password_grant_is_not_offered()
    {
        var (status, body) = await Provider.TokenAsync(("grant_type", "password"), ("client_id", IdentityProviderHost.HospitalClient),
            ("client_secret", IdentityProviderHost.HospitalSecret), ("username", IdentityProviderHost.UserName), ("password", IdentityProviderHost.Password));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unsupported_grant_type", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Health_is_served()
    {
        using var response = await Provider.Http.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
