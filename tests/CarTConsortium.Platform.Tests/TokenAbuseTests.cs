using System.Net;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Identity.Keys;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// Issue 15, failure 6 and the gRPC half of 11: tokens signed with a trusted provider's own key
/// but with a lifetime no provider issues (iat ten years ahead, exp fifty years ahead) are refused
/// over REST, over gRPC and straight at a service, and counted by reason; a gRPC caller without a
/// good token reads UNAUTHENTICATED with a message from the gRPC status, not a bare HTTP 401.
/// </summary>
public sealed class TokenAbuseTests : IDisposable
{
    private readonly PlatformFixture _fixture;
    private readonly MetricCounts _rejections = new(FederationTelemetry.MeterName, "federation.tokens.rejected", "reason");

    public TokenAbuseTests(PlatformFixture fixture) => _fixture = fixture;

    private RunningPlatform Running => _fixture.Running;

    private Uri RegistryGrpc => new($"http://127.0.0.1:{Running.Options.Ports["registry"].GrpcPort}");

    public static TheoryData<string> LifetimeAttacks() => ["iat ten years ahead", "exp fifty years ahead", "no iat and exp two hours ahead"];

    [Theory]
    [MemberData(nameof(LifetimeAttacks))]
    public async Task A_token_with_an_impossible_lifetime_is_refused_on_rest_grpc_and_at_a_service(string attack)
    {
        var now = DateTime.UtcNow;
        var (token, reason) = attack switch
        {
            "iat ten years ahead" => (Mint(issuedAt: now.AddYears(10), notBefore: now.AddMinutes(-1), expires: now.AddMinutes(10)), RejectionReasons.IssuedInFuture),
            "exp fifty years ahead" => (Mint(issuedAt: now.AddMinutes(-1), notBefore: now.AddMinutes(-1), expires: now.AddYears(50)), RejectionReasons.LifetimeTooLong),
            _ => (Mint(issuedAt: null, notBefore: null, expires: now.AddHours(2)), RejectionReasons.LifetimeTooLong),
        };
        var before = Count(reason);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/registry/products");
        request.Headers.Authorization = new("Bearer", token);
        using var rest = await Running.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);

        foreach (var address in new[] { Running.Platform.GatewayGrpc, RegistryGrpc })
        {
            using var channel = RunningPlatform.ChannelWith(address, () => Task.FromResult<string?>(token));
            var refused = await Assert.ThrowsAsync<RpcException>(() =>
                new RegistryService.RegistryServiceClient(channel).ListProductsAsync(new ListProductsRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
        Assert.True(Count(reason) - before >= 3, $"'{reason}' rejections were not counted");
    }

    [Fact]
    public async Task The_same_minting_with_a_provider_like_lifetime_is_accepted()
    {
        // The control for the attacks above: only the lifetime makes them fail.
        var token = Mint(issuedAt: DateTime.UtcNow.AddMinutes(-1), notBefore: DateTime.UtcNow.AddMinutes(-1), expires: DateTime.UtcNow.AddMinutes(15));
        using var channel = RunningPlatform.ChannelWith(RegistryGrpc, () => Task.FromResult<string?>(token));
        Assert.NotEmpty((await new RegistryService.RegistryServiceClient(channel).ListProductsAsync(new ListProductsRequest())).Products);
    }

    public static TheoryData<string, string> BadTokensAtEachPort() => new()
    {
        { "gateway", "none" }, { "gateway", "garbage" }, { "gateway", "fifty years" },
        { "registry", "none" }, { "registry", "garbage" }, { "registry", "fifty years" },
    };

    [Theory]
    [MemberData(nameof(BadTokensAtEachPort))]
    public async Task A_raw_grpc_client_without_a_good_token_reads_grpc_status_unauthenticated_with_a_message(string at, string token)
    {
        var address = at == "gateway" ? Running.Platform.GatewayGrpc : RegistryGrpc;
        var bearer = token switch
        {
            "none" => null,
            "garbage" => "not.a.token",
            _ => Mint(issuedAt: DateTime.UtcNow, notBefore: DateTime.UtcNow, expires: DateTime.UtcNow.AddYears(50)),
        };

        var (http, status, message) = await RawGrpcAsync(address, "/consortium.registry.v1.RegistryService/ListProducts", bearer);

        // What a grpc-js or grpcurl client needs: a gRPC response whose status says why, not "HTTP status code 401".
        Assert.Equal(HttpStatusCode.OK, http);
        Assert.Equal("16", status);
        Assert.False(string.IsNullOrWhiteSpace(message), "grpc-message says what is missing");
    }

    /// <summary>A gRPC call made by hand over HTTP/2 (an empty request message), returning the HTTP status and the gRPC status and message.</summary>
    public static async Task<(HttpStatusCode Http, string? Status, string? Message)> RawGrpcAsync(Uri address, string method, string? bearer)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[5]), // uncompressed, length 0
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        string? Read(string name) =>
            response.Headers.TryGetValues(name, out var inHeaders) ? inHeaders.Single()
            : response.TrailingHeaders.TryGetValues(name, out var inTrailers) ? inTrailers.Single()
            : null;
        return (response.StatusCode, Read("grpc-status"), Read("grpc-message") is { } message ? Uri.UnescapeDataString(message) : null);
    }

    private string Mint(DateTime? issuedAt, DateTime? notBefore, DateTime? expires)
    {
        var signing = Running.Platform.ServicesOf("identity-kz").GetRequiredService<SigningKeyRing>().Current().Signing;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["iss"] = Running.Platform.Issuers["identity-kz"].ToString(),
                ["sub"] = "lifetime-forger",
                ["client_id"] = DemoClients.KzHospital.ClientId,
                ["org"] = DemoClients.KzHospital.Org,
                ["country"] = "KZ",
                ["role"] = Roles.HospitalCoordinator,
                ["scope"] = "registry",
                ["aud"] = PlatformClaims.Audience,
            },
            IssuedAt = issuedAt,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = signing,
        });
    }

    private long Count(string reason) => _rejections.Of(reason);

    public void Dispose() => _rejections.Dispose();
}
