using System.Security.Cryptography;
using System.Text.Json;
using CarTConsortium.ServiceDefaults.Security;
using CarTConsortium.Testing;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.ServiceDefaults.Tests;

/// <summary>Issue 16, point 2: issuer metadata and keys reach an app over TLS, from a pinned file, or (standalone) over loopback only.</summary>
public sealed class MetadataTransportRuleTests
{
    [Theory]
    [InlineData("https://id.kz.example/", null, true)]
    [InlineData("https://id.kz.example/", null, false)]
    [InlineData("https://id.kz.example/", "https://identity-kz.cartc.svc/.well-known/openid-configuration", true)]
    [InlineData("http://127.0.0.1:5101/", null, false)]
    [InlineData("http://localhost:5101/", null, false)]
    [InlineData("http://[::1]:5101/", null, false)]
    public void Tls_or_loopback_in_standalone_is_accepted(string issuer, string? metadata, bool requireHttps)
    {
        Assert.Null(MetadataTransportRule.Problem(new TrustedIssuer { Issuer = issuer, Country = "KZ", MetadataAddress = metadata }, requireHttps));
    }

    [Theory]
    [InlineData("http://identity-kz.cartc.svc.cluster.local/", null, false)]
    [InlineData("https://id.kz.example/", "http://identity-kz.cartc.svc/.well-known/openid-configuration", false)]
    [InlineData("http://10.0.0.12/", null, false)]
    [InlineData("http://127.0.0.1:5101/", null, true)]
    public void Plain_http_off_loopback_or_with_https_required_is_refused(string issuer, string? metadata, bool requireHttps)
    {
        var problem = MetadataTransportRule.Problem(new TrustedIssuer { Issuer = issuer, Country = "KZ", MetadataAddress = metadata }, requireHttps);

        Assert.NotNull(problem);
        Assert.Contains("without TLS", problem, StringComparison.Ordinal);
        Assert.Contains("SigningKeysFile", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Pinned_keys_make_a_plain_http_address_acceptable_since_nothing_is_fetched()
    {
        var issuer = new TrustedIssuer { Issuer = "http://identity-kz.cartc.svc/", Country = "KZ", SigningKeysFile = "/etc/cartc/issuers/kz.jwks.json" };

        Assert.Null(MetadataTransportRule.Problem(issuer, requireHttpsMetadata: true));
    }

    [Fact]
    public void The_federation_settings_refuse_a_cluster_issuer_over_plain_http_at_start()
    {
        var federation = new FederationOptions
        {
            RequireHttpsMetadata = false,
            Issuers = [new TrustedIssuer { Issuer = "https://id.kz.example/", Country = "KZ", MetadataAddress = "http://identity-kz/.well-known/openid-configuration" }],
        };

        var problems = new FederationOptionsValidator().Validate(null, federation);

        Assert.True(problems.Failed);
        Assert.Contains("Federation:Issuers:0:MetadataAddress = 'http://identity-kz/.well-known/openid-configuration': its discovery document and keys would be fetched",
            problems.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_pinned_key_file_is_refused()
    {
        var federation = new FederationOptions { Issuers = [new TrustedIssuer { Issuer = "https://id.kz.example/", Country = "KZ", SigningKeysFile = "kz.jwks.json" }] };

        Assert.Contains("SigningKeysFile = 'kz.jwks.json': is not an absolute path", new FederationOptionsValidator().Validate(null, federation).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pinned_key_set_is_read_from_its_file_as_the_issuers_signing_keys()
    {
        using var folder = new TemporaryFolder("cartc-pinned-");
        using var rsa = RSA.Create(2048);
        var key = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "kz-2026" });
        key.Use = "sig";
        var path = Path.Combine(folder, "kz.jwks.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { keys = new[] { new { kty = key.Kty, use = key.Use, kid = key.Kid, n = key.N, e = key.E } } }));
        var issuer = new TrustedIssuer { Issuer = "http://identity-kz.cartc.svc/", Country = "KZ", SigningKeysFile = path };

        var configuration = await PinnedSigningKeys.LoadAsync(issuer, path, CancellationToken.None);

        Assert.Equal("http://identity-kz.cartc.svc/", configuration.Issuer);
        Assert.Equal(["kz-2026"], configuration.SigningKeys.Select(k => k.KeyId));
        await File.WriteAllTextAsync(path, """{"keys":[]}""");
        await Assert.ThrowsAsync<InvalidDataException>(() => PinnedSigningKeys.LoadAsync(issuer, path, CancellationToken.None));
    }
}
