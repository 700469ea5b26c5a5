using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CarTConsortium.Contracts.Registry.V1;
using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// Issue 15, failures 10 and 11 at the gateway: fuzzed REST bodies and query strings get the same 400 with
/// google.rpc.BadRequest as validation errors (the field named, the input not echoed, no .NET
/// type named); control, bidi and invisible characters are refused in names with the field
/// named and nothing stored; no response names the server software, every API response says
/// Cache-Control: no-store, and CONNECT or TRACE get 405 rather than a 502.
/// </summary>
public sealed class EdgeAbuseTests(PlatformFixture fixture)
{
    private const string Institutions = "/v1/registry/institutions";
    private static readonly string Megabyte = new('A', 1024 * 1024);

    private RunningPlatform Running => fixture.Running;

    public static TheoryData<string, string, string> FuzzedBodies() => new()
    {
        { "wrong type", """{"institutionId":"fuzz-a","name":5}""", "name" },
        { "unknown enum", """{"institutionId":"fuzz-b","name":"Fuzz","kind":"INSTITUTION_KIND_CASINO"}""", "kind" },
        { "object where a string goes", """{"institutionId":"fuzz-c","name":{"first":"x"}}""", "name" },
        { "number out of range", """{"institutionId":"fuzz-d","name":"Fuzz","capabilities":{"icuBeds":99999999999}}""", "capabilities.icu_beds" },
        { "bad JSON", """{"institutionId":"fuzz-e","name":""", "body" },
        { "not an object", """["fuzz"]""", "body" },
        { "1 MB string where a message goes", $$"""{"institutionId":"fuzz-f","capabilities":"{{Megabyte}}"}""", "capabilities" },
        { "1 MB string as an enum", $$"""{"institutionId":"fuzz-g","kind":"{{Megabyte}}"}""", "kind" },
        { "1 MB field name", $$"""{"{{Megabyte}}":1}""", "" },
    };

    [Theory]
    [MemberData(nameof(FuzzedBodies))]
    public async Task A_fuzzed_rest_body_gets_400_with_the_field_named_and_nothing_echoed(string fuzz, string json, string field)
    {
        using var admin = await Running.HttpAsAsync(DemoClients.Admin);
        using var response = await admin.PostAsync(Institutions, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{fuzz}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}");
        Assert.True(text.Length < 2048, $"{fuzz}: a {text.Length}-character answer echoes the input");
        Assert.DoesNotContain("CarTConsortium", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('A', 64), text, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(text);
        Assert.Equal(3, body.RootElement.GetProperty("code").GetInt32());
        var violation = Assert.Single(body.RootElement.GetProperty("details")[0].GetProperty("fieldViolations").EnumerateArray());
        if (field.Length > 0)
        {
            Assert.Equal(field, violation.GetProperty("field").GetString());
        }
        Assert.False(string.IsNullOrWhiteSpace(violation.GetProperty("description").GetString()));
    }

    public static TheoryData<string, string, string> FuzzedQueries() => new()
    {
        { "not a number", "page.pageSize=abc", "page.page_size" },
        { "out of range", "page.pageSize=99999999999999999999", "page.page_size" },
        { "unknown enum", "status=BOOKING_STATUS_BRIBED", "status" },
        { "3,000 characters as an enum", "status=" + new string('A', 3000), "status" },
    };

    [Theory]
    [MemberData(nameof(FuzzedQueries))]
    public async Task A_fuzzed_rest_query_gets_400_with_the_field_named_and_nothing_echoed(string fuzz, string query, string field)
    {
        using var admin = await Running.HttpAsAsync(DemoClients.Admin);
        using var response = await admin.GetAsync("/v1/slots/bookings?" + query);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{fuzz}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}");
        Assert.DoesNotContain(new string('A', 64), text, StringComparison.Ordinal);
        Assert.DoesNotContain("enum type", text, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(text);
        var violation = Assert.Single(body.RootElement.GetProperty("details")[0].GetProperty("fieldViolations").EnumerateArray());
        Assert.Equal(field, violation.GetProperty("field").GetString());
    }

    public static TheoryData<string, string> UnsafeNames() => new()
    {
        { "right-to-left override", "Evil\u202Egnp.exe hospital" },
        { "NUL", "Evil\0hospital" },
        { "zero-width space", "Astana\u200B Children's" },
        { "bidi isolate", "Astana \u2067hospital\u2069" },
        { "C1 control", "Astana \u0085hospital" },
        { "byte-order mark", "\uFEFFAstana hospital" },
    };

    [Theory]
    [MemberData(nameof(UnsafeNames))]
    public async Task An_institution_name_with_an_unsafe_character_is_refused_with_the_field_named_over_grpc_and_rest(string kind, string name)
    {
        var registry = new RegistryService.RegistryServiceClient(Running.ChannelAs(DemoClients.Admin));
        var id = "unsafe-" + Guid.NewGuid().ToString("N")[..8];
        var request = MatrixFixture.Institution(id);
        request.Name = name;

        var refused = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterInstitutionAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(["name"], refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));

        using var admin = await Running.HttpAsAsync(DemoClients.Admin);
        using var rest = await admin.PostAsJsonAsync(Institutions, new { institutionId = id, name, countryCode = "KZ", kind = "INSTITUTION_KIND_TREATMENT_CENTRE" });
        var text = await rest.Content.ReadAsStringAsync();
        Assert.True(rest.StatusCode == HttpStatusCode.BadRequest, $"{kind}: {(int)rest.StatusCode} {text}");
        Assert.Contains("\"field\":\"name\"", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Refused, so nothing was stored.
        var missing = await Assert.ThrowsAsync<RpcException>(() => registry.GetInstitutionAsync(new GetInstitutionRequest { InstitutionId = id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_enrolment_with_a_zero_width_character_in_the_national_id_is_refused_with_the_field_named()
    {
        var registry = new RegistryService.RegistryServiceClient(Running.ChannelAs(DemoClients.KzClinician));
        var refused = await Assert.ThrowsAsync<RpcException>(() => registry.EnrolPatientAsync(MatrixFixture.Enrolment("KZ 160512\u200B-400 999")).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(["national_id"], refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task A_name_with_tabs_and_line_breaks_is_still_accepted()
    {
        // The control for the refusals above: ordinary multi-line text is not caught by them.
        var registry = new RegistryService.RegistryServiceClient(Running.ChannelAs(DemoClients.Admin));
        var request = MatrixFixture.Institution("multiline-" + Guid.NewGuid().ToString("N")[..8]);
        request.Name = "Astana\tChildren's\r\nHospital \u00C9 \u0410\u0441\u0442\u0430\u043D\u0430";
        Assert.Equal(request.Name, (await registry.RegisterInstitutionAsync(request)).Name);
    }

    [Fact]
    public async Task No_response_names_the_server_and_api_responses_are_not_cacheable()
    {
        using var admin = await Running.HttpAsAsync(DemoClients.Admin);
        var registryHttp = new Uri($"http://127.0.0.1:{Running.Options.Ports["registry"].HttpPort}/healthz");
        var provider = new Uri(Running.Platform.Issuers["identity-kz"], ".well-known/openid-configuration");
        foreach (var address in new[] { new Uri(Running.Platform.GatewayHttp, "/v1/registry/products"), new Uri(Running.Platform.GatewayHttp, "/v1/registry/nothing-here"), registryHttp, provider })
        {
            using var response = await admin.GetAsync(address);
            Assert.False(response.Headers.Contains("Server"), $"{address} says Server: {string.Join(",", response.Headers.Server)}");
            if (address != provider)
            {
                Assert.True(response.Headers.CacheControl?.NoStore == true, $"{address} ({(int)response.StatusCode}) lacks Cache-Control: no-store");
            }
        }
        var (_, status, _) = await TokenAbuseTests.RawGrpcAsync(Running.Platform.GatewayGrpc, "/consortium.registry.v1.RegistryService/ListProducts", bearer: null);
        Assert.Equal("16", status);
    }

    public static TheoryData<string> UnroutableMethods() => ["CONNECT example.org:443", "TRACE /v1/registry/products", "PROPFIND /v1/registry/products"];

    [Theory]
    [MemberData(nameof(UnroutableMethods))]
    public async Task A_method_no_route_takes_gets_405_from_the_gateway_not_502(string requestLine)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Running.Platform.GatewayHttp.Port);
        var stream = tcp.GetStream();
        var host = requestLine.StartsWith("CONNECT", StringComparison.Ordinal) ? "example.org:443" : $"127.0.0.1:{Running.Platform.GatewayHttp.Port}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{requestLine} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync();
        Assert.Equal("HTTP/1.1 405 Method Not Allowed", statusLine);
        var headers = new List<string>();
        while (await reader.ReadLineAsync() is { Length: > 0 } header)
        {
            headers.Add(header);
        }
        Assert.Contains(headers, h => h.StartsWith("Allow:", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(headers, h => h.StartsWith("Server:", StringComparison.OrdinalIgnoreCase));
    }
}
