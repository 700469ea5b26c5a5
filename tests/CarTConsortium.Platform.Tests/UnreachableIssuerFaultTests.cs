using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// Issue 15, failure 7: a trusted country's identity provider cannot be reached, either because
/// nothing listens on its port or because it accepts connections and never answers. That
/// country's callers get 503 with Retry-After (UNAVAILABLE over gRPC) within a couple of seconds,
/// concurrent callers are not queued one fetch behind another, the failure is counted per
/// issuer, and other countries' callers are not affected.
/// </summary>
public sealed class UnreachableIssuerFaultTests(UnreachableIssuerFixture fixture) : IClassFixture<UnreachableIssuerFixture>
{
    /// <summary>Well above one metadata timeout (1 s here), far below what the old retries and queues took (6-90 s).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(4);

    public static TheoryData<string> Faults() => [UnreachableIssuerFixture.Refusing, UnreachableIssuerFixture.Silent];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Ten_concurrent_requests_for_an_unreachable_issuer_get_503_with_retry_after_at_once(string fault)
    {
        var token = fixture.TokenOf(fault);
        var clock = Stopwatch.StartNew();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var http = new HttpClient { BaseAddress = fixture.Running.Platform.GatewayHttp };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/registry/products");
            request.Headers.Authorization = new("Bearer", token);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, response.Headers.RetryAfter?.Delta);
        }));

        Assert.True(clock.Elapsed < Bound, $"10 requests took {clock.Elapsed}: they queued behind the fetch");
        Assert.All(answers, answer =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.True(answer.Delta > TimeSpan.Zero, "Retry-After says when to come back");
        });
        Assert.True(fixture.Unavailable(fixture.IssuerOf(fault)) > 0, "the unreachable issuer is counted by name");
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_grpc_caller_of_an_unreachable_issuer_gets_unavailable_at_the_gateway_and_at_a_service(string fault)
    {
        var token = fixture.TokenOf(fault);
        var registry = new Uri($"http://127.0.0.1:{fixture.Running.Options.Ports["registry"].GrpcPort}");
        foreach (var address in new[] { fixture.Running.Platform.GatewayGrpc, registry })
        {
            var clock = Stopwatch.StartNew();
            using var channel = RunningPlatform.ChannelWith(address, () => Task.FromResult<string?>(token));
            var refused = await Assert.ThrowsAsync<RpcException>(() =>
                new RegistryService.RegistryServiceClient(channel).ListProductsAsync(new ListProductsRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.True(clock.Elapsed < Bound, $"{address} took {clock.Elapsed}");
        }
    }

    [Fact]
    public async Task Another_countrys_callers_are_served_while_one_issuer_hangs()
    {
        // KZ's token and keys fetched beforehand, so what is timed below is only the wait, if any.
        using var kz = await fixture.Running.HttpAsAsync(DemoClients.KzHospital);
        (await kz.GetAsync("/v1/registry/products")).Dispose();
        var hanging = Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var http = new HttpClient { BaseAddress = fixture.Running.Platform.GatewayHttp };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/registry/products");
            request.Headers.Authorization = new("Bearer", fixture.TokenOf(UnreachableIssuerFixture.Silent));
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }));

        var clock = Stopwatch.StartNew();
        using var served = await kz.GetAsync("/v1/registry/products");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.True(clock.Elapsed < Bound, $"KZ waited {clock.Elapsed} behind the hanging issuer");
        Assert.All(await hanging, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
    }
}

/// <summary>
/// A platform that trusts two more issuers besides the demo providers: one on a port where
/// nothing listens, one on a listener that accepts connections and never replies.
/// </summary>
public sealed class UnreachableIssuerFixture : IAsyncLifetime
{
    public const string Refusing = "a port that refuses connections";
    public const string Silent = "a listener that never answers";

    private readonly TcpListener _silent = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly MetricCounts _unavailable = new(FederationTelemetry.MeterName, "federation.issuer.unavailable", "issuer");
    private readonly RsaSecurityKey _forgedKey = new(RSA.Create(2048)) { KeyId = "unreachable-test" };
    private int _refusingPort;

    public RunningPlatform Running { get; private set; } = null!;

    public Uri IssuerOf(string fault) => new($"http://127.0.0.1:{(fault == Refusing ? _refusingPort : ((IPEndPoint)_silent.LocalEndpoint).Port)}/");

    /// <summary>A token naming the issuer; its signature never gets checked, because the keys cannot be fetched.</summary>
    public string TokenOf(string fault) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Claims = new Dictionary<string, object>
        {
            ["iss"] = IssuerOf(fault).ToString(),
            ["sub"] = "someone",
            ["country"] = fault == Refusing ? "TJ" : "TM",
            ["role"] = Roles.HospitalCoordinator,
            ["aud"] = PlatformClaims.Audience,
        },
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(_forgedKey, SecurityAlgorithms.RsaSha256),
    });

    public long Unavailable(Uri issuer) => _unavailable.Of(issuer.ToString());

    public async ValueTask InitializeAsync()
    {
        _refusingPort = RunningPlatform.FreePort();
        _silent.Start();
        _ = HoldConnectionsAsync();
        var extra = new Dictionary<string, string?>
        {
            ["Federation:MetadataTimeout"] = "00:00:01",
            ["Federation:Issuers:20:Issuer"] = IssuerOf(Refusing).ToString(),
            ["Federation:Issuers:20:Country"] = "TJ",
            ["Federation:Issuers:21:Issuer"] = IssuerOf(Silent).ToString(),
            ["Federation:Issuers:21:Country"] = "TM",
            // The registry refuses to start while a country it trusts has no pseudonymisation secret.
            ["Registry:Pseudonymisation:CountrySecrets:TJ"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Registry:Pseudonymisation:CountrySecrets:TM"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        Running = await RunningPlatform.StartAsync(configure: options => options with
        {
            Settings = options.Settings.Concat(extra).ToDictionary(),
        });
    }

    /// <summary>Accepts every connection and keeps it open without reading or writing a byte.</summary>
    private async Task HoldConnectionsAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _silent.AcceptTcpClientAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(client);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped with the fixture.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Running.DisposeAsync();
        await _stop.CancelAsync();
        _silent.Stop();
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }
        _unavailable.Dispose();
        _stop.Dispose();
        _forgedKey.Rsa.Dispose();
    }
}
