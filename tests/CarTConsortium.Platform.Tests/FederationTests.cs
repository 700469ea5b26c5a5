using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Identity;
using CarTConsortium.Identity.Keys;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using CarTConsortium.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// Tokens the federation must refuse, each through the gateway (REST and gRPC) and straight at
/// a service (a request that bypasses the gateway), plus the per-country and per-client quotas.
/// Forged tokens are made the way an attacker or a broken provider would: with a real
/// provider that nobody trusts, or with a trusted provider's own signing key but wrong claims.
/// </summary>
public sealed class FederationTests(FederationFixture fixture) : IClassFixture<FederationFixture>
{
    private RunningPlatform Running => fixture.Running;

    public static TheoryData<string> ForgedCases() => [.. FederationFixture.Forgeries.Keys];

    [Theory]
    [MemberData(nameof(ForgedCases))]
    public async Task A_forged_token_gets_nowhere_and_is_counted(string forgery)
    {
        var (mint, reason) = FederationFixture.Forgeries[forgery];
        var token = await mint(fixture);
        var before = reason is null ? 0 : fixture.Rejections(reason);

        // Through the gateway, REST: 401 and nothing that tells the caller which check failed.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/registry/products");
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }
        using var rest = await Running.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        Assert.Equal("", await rest.Content.ReadAsStringAsync());
        Assert.Equal(["Bearer"], rest.Headers.WwwAuthenticate.Select(h => h.ToString()));

        // Through the gateway, gRPC, and straight at the registry's own port: UNAUTHENTICATED.
        foreach (var address in new[] { Running.Platform.GatewayGrpc, new Uri($"http://127.0.0.1:{Running.Options.Ports["registry"].GrpcPort}") })
        {
            using var channel = RunningPlatform.ChannelWith(address, () => Task.FromResult(token));
            var refused = await Assert.ThrowsAsync<RpcException>(() =>
                new RegistryService.RegistryServiceClient(channel).ListProductsAsync(new ListProductsRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
        if (reason is not null)
        {
            // Gateway and registry each refused it (REST + gRPC at the gateway, gRPC at the registry).
            Assert.True(fixture.Rejections(reason) - before >= 3, $"'{reason}' rejections were not counted");
        }
    }

    [Fact]
    public async Task A_token_minted_like_the_forgeries_but_with_honest_claims_is_accepted()
    {
        // The control for the rows above: the minting is sound, only their lies fail them.
        var token = fixture.MintWithKzKey(FederationFixture.HonestKzClaims());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/registry/products");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Running.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_valid_token_that_bypasses_the_gateway_still_meets_the_rpc_rules()
    {
        var registryPort = new Uri($"http://127.0.0.1:{Running.Options.Ports["registry"].GrpcPort}");
        using var asHospital = RunningPlatform.ChannelWith(registryPort, async () => await Running.TokenAsync(DemoClients.KzHospital));
        var registry = new RegistryService.RegistryServiceClient(asHospital);

        Assert.NotEmpty((await registry.ListProductsAsync(new ListProductsRequest())).Products);
        var denied = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterProductAsync(MatrixFixture.NewProduct("bypass")).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Fact]
    public async Task A_token_without_the_services_scope_is_denied_by_that_service()
    {
        var slotsOnly = await Running.TokenAsync(DemoClients.KzHospital, scopes: "slots");
        using var channel = RunningPlatform.ChannelWith(Running.Platform.GatewayGrpc, () => Task.FromResult<string?>(slotsOnly));

        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            new RegistryService.RegistryServiceClient(channel).ListProductsAsync(new ListProductsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("The access token was not issued for the 'registry' scope.", denied.Status.Detail);
    }

    [Fact]
    public async Task A_client_over_its_quota_gets_429_with_retry_after_and_grpc_gets_resource_exhausted()
    {
        using var http = await Running.HttpAsAsync(FederationFixture.Throttled);
        for (var i = 0; i < FederationFixture.ThrottledClientLimit; i++)
        {
            using var ok = await http.GetAsync("/v1/registry/products");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await http.GetAsync("/v1/registry/products");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After tells when to come back");

        var grpc = await Assert.ThrowsAsync<RpcException>(() =>
            new RegistryService.RegistryServiceClient(Running.ChannelAs(FederationFixture.Throttled)).ListProductsAsync(new ListProductsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, grpc.StatusCode);
        Assert.NotNull(grpc.Trailers.GetValue("retry-after"));
        // Another client of the same country still has its own quota.
        using var other = await Running.HttpAsAsync(DemoClients.KzHospital);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/registry/products")).StatusCode);
    }

    [Fact]
    public async Task A_countrys_clients_share_the_countrys_quota()
    {
        var kg = new[] { DemoClients.KgHospital, FederationFixture.KgClinician };
        for (var i = 0; i < FederationFixture.KgCountryLimit; i++)
        {
            using var http = await Running.HttpAsAsync(kg[i % 2]);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/registry/products")).StatusCode);
        }

        foreach (var client in kg)
        {
            using var http = await Running.HttpAsAsync(client);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetAsync("/v1/registry/products")).StatusCode);
        }
        using var kz = await Running.HttpAsAsync(DemoClients.KzHospital);
        Assert.Equal(HttpStatusCode.OK, (await kz.GetAsync("/v1/registry/products")).StatusCode);
    }
}

/// <summary>A platform with tight quotas for two test clients, and an identity provider that nobody trusts.</summary>
public sealed class FederationFixture : IAsyncLifetime
{
    public const int ThrottledClientLimit = 3;
    public const int KgCountryLimit = 4;

    public static readonly DemoClient Throttled = new("test-kz-throttled", "identity-kz", "KZ", "kz-astana-childrens", Roles.HospitalCoordinator);
    public static readonly DemoClient KgClinician = new("kg-bishkek-childrens-emr", "identity-kg", "KG", "kg-bishkek-childrens", Roles.Clinician);

    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _rejections = [];
    private TemporaryFolder? _untrustedFolder;
    private Microsoft.AspNetCore.Builder.WebApplication? _untrusted;

    public RunningPlatform Running { get; private set; } = null!;

    /// <summary>Each forgery: how to make its token, and the reason the federation counts (null: no token at all).</summary>
    public static IReadOnlyDictionary<string, (Func<FederationFixture, Task<string?>> Mint, string? Reason)> Forgeries { get; } =
        new Dictionary<string, (Func<FederationFixture, Task<string?>>, string?)>
        {
            ["no token"] = (_ => Task.FromResult<string?>(null), null),
            ["a real provider that is not trusted"] = (f => f.UntrustedTokenAsync(), RejectionReasons.UnknownIssuer),
            ["a trusted issuer's name on a key it never published"] = (Sync(f => f.MintWithUnpublishedKey()), RejectionReasons.UnknownKey),
            ["a KZ-signed token claiming country UZ"] = (Sync(f => f.MintWithKzKey(HonestKzClaims(country: "UZ"))), RejectionReasons.CountryMismatch),
            ["a KZ-signed token without a country"] = (Sync(f => f.MintWithKzKey(HonestKzClaims(country: null))), RejectionReasons.CountryMismatch),
            ["a KZ-signed token granting consortium_admin"] = (Sync(f => f.MintWithKzKey(HonestKzClaims(role: Roles.ConsortiumAdmin))), RejectionReasons.RoleNotGrantable),
            ["a consortium-signed token naming a country"] = (Sync(f => f.MintWithKeyOf("identity-consortium", HonestKzClaims())), RejectionReasons.CountryMismatch),
            ["alg none"] = (Sync(f => f.Unsigned()), RejectionReasons.Signature),
            ["HMAC keyed with the provider's public key"] = (Sync(f => f.HmacWithKzPublicKey()), RejectionReasons.Signature),
            ["expired"] = (Sync(f => f.MintWithKzKey(HonestKzClaims(), DateTime.UtcNow.AddMinutes(-30), DateTime.UtcNow.AddMinutes(-10))), RejectionReasons.Expired),
            ["not yet valid"] = (Sync(f => f.MintWithKzKey(HonestKzClaims(), DateTime.UtcNow.AddMinutes(10), DateTime.UtcNow.AddMinutes(30))), RejectionReasons.NotYetValid),
            ["for another audience"] = (Sync(f => f.MintWithKzKey(HonestKzClaims(audience: "someone-else"))), RejectionReasons.Audience),
        };

    private static Func<FederationFixture, Task<string?>> Sync(Func<FederationFixture, string> mint) => f => Task.FromResult<string?>(mint(f));

    public async ValueTask InitializeAsync()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FederationTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = tags.ToArray().FirstOrDefault(t => t.Key == "reason").Value as string ?? "";
            lock (_rejections)
            {
                _rejections[reason] = _rejections.GetValueOrDefault(reason) + value;
            }
        });
        _listener.Start();

        Running = await RunningPlatform.StartAsync(configure: options => options with
        {
            AppSettings = new Dictionary<string, IReadOnlyDictionary<string, string?>>
            {
                ["identity-kz"] = DemoClients.ClientSettings([.. DemoClients.ExtraKzClients, Throttled]),
                ["gateway"] = new Dictionary<string, string?>
                {
                    [$"RateLimits:Clients:{Throttled.ClientId}:PermitLimit"] = ThrottledClientLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    [$"RateLimits:Clients:{Throttled.ClientId}:Window"] = "00:10:00",
                    ["RateLimits:Countries:KG:PermitLimit"] = KgCountryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["RateLimits:Countries:KG:Window"] = "00:10:00",
                },
            },
        });
        await StartUntrustedProviderAsync();
    }

    public long Rejections(string reason)
    {
        lock (_rejections)
        {
            return _rejections.GetValueOrDefault(reason);
        }
    }

    public static Dictionary<string, object> HonestKzClaims(string? country = "KZ", string role = Roles.HospitalCoordinator, string audience = PlatformClaims.Audience, Uri? issuer = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "forger",
            ["client_id"] = "kz-astana-childrens-his",
            ["org"] = "kz-astana-childrens",
            ["role"] = role,
            ["scope"] = "registry",
            ["aud"] = audience,
        };
        if (issuer is not null)
        {
            claims["iss"] = issuer.ToString();
        }
        if (country is not null)
        {
            claims["country"] = country;
        }
        return claims;
    }

    /// <summary>Signs with the KZ provider's own active key: what a compromised or misconfigured provider could issue.</summary>
    public string MintWithKzKey(Dictionary<string, object> claims, DateTime? notBefore = null, DateTime? expires = null) =>
        MintWithKeyOf("identity-kz", claims, notBefore, expires);

    public string MintWithKeyOf(string provider, Dictionary<string, object> claims, DateTime? notBefore = null, DateTime? expires = null)
    {
        claims.TryAdd("iss", Running.Platform.Issuers[provider].ToString());
        var ring = Running.Platform.ServicesOf(provider).GetRequiredService<SigningKeyRing>();
        return Mint(claims, ring.Current().Signing, notBefore, expires);
    }

    private string HmacWithKzPublicKey()
    {
        // The classic confusion attack: HS256 keyed with the bytes of the provider's published public key.
        var signing = Running.Platform.ServicesOf("identity-kz").GetRequiredService<SigningKeyRing>().Current().Signing;
        var rsa = (RsaSecurityKey)signing.Key;
        var publicKey = rsa.Rsa?.ExportSubjectPublicKeyInfoPem() ?? RSA.Create(rsa.Parameters).ExportSubjectPublicKeyInfoPem();
        var hmac = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publicKey)) { KeyId = signing.Kid };
        var claims = HonestKzClaims(issuer: Running.Platform.Issuers["identity-kz"]);
        return Mint(claims, new SigningCredentials(hmac, SecurityAlgorithms.HmacSha256));
    }

    private static string Mint(Dictionary<string, object> claims, SigningCredentials credentials, DateTime? notBefore = null, DateTime? expires = null)
    {
        var start = notBefore ?? DateTime.UtcNow.AddMinutes(-1);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = start,
            NotBefore = start,
            Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = credentials,
        });
    }

    private string MintWithUnpublishedKey()
    {
        var claims = HonestKzClaims();
        claims["iss"] = Running.Platform.Issuers["identity-kz"].ToString();
        return Mint(claims, new SigningCredentials(NewRsaKey(), SecurityAlgorithms.RsaSha256));
    }

    private string Unsigned()
    {
        var claims = HonestKzClaims(issuer: Running.Platform.Issuers["identity-kz"]);
        claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        static string Part(string json) => Base64UrlEncoder.Encode(json);
        return $"{Part("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Part(System.Text.Json.JsonSerializer.Serialize(claims))}.";
    }

    private static RsaSecurityKey NewRsaKey() => new(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };

    /// <summary>A real identity provider, configured for KZ, that the platform was never told to trust.</summary>
    private async Task StartUntrustedProviderAsync()
    {
        _untrustedFolder = new TemporaryFolder("cartc-untrusted-");
        var port = RunningPlatform.FreePort();
        var module = new IdentityModule("identity-untrusted");
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions
        {
            ApplicationName = typeof(IdentityModule).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration, new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{port}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            [ServiceDefaultsExtensions.ProcessTelemetryKey] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Identity:Issuer"] = $"http://127.0.0.1:{port}/",
            ["Identity:Country"] = "KZ",
            ["Identity:Database"] = $"Data Source={Path.Combine(_untrustedFolder, "untrusted.db")}",
            ["Identity:RequireHttps"] = "false",
            ["Identity:SigningKeys:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Identity:Clients:0:ClientId"] = "untrusted-his",
            ["Identity:Clients:0:ClientSecret"] = DemoClients.Secret,
            ["Identity:Clients:0:Org"] = "kz-astana-childrens",
            ["Identity:Clients:0:Roles:0"] = Roles.HospitalCoordinator,
            ["Identity:Clients:0:Scopes:0"] = "registry",
        });
        builder.AddServiceDefaults();
        module.AddServices(builder);
        _untrusted = builder.Build();
        _untrusted.MapDefaultEndpoints(reflection: false);
        module.MapEndpoints(_untrusted);
        await _untrusted.StartAsync();
    }

    private async Task<string?> UntrustedTokenAsync()
    {
        using var http = new HttpClient();
        var issuer = _untrusted!.Services.GetRequiredService<IdentitySettings>().IssuerUri;
        using var response = await http.PostAsync(new Uri(issuer, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "untrusted-his",
            ["client_secret"] = DemoClients.Secret,
            ["scope"] = "registry",
        }));
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        if (_untrusted is not null)
        {
            await _untrusted.StopAsync();
            await _untrusted.DisposeAsync();
        }
        _untrustedFolder?.Dispose();
        await Running.DisposeAsync();
    }
}
