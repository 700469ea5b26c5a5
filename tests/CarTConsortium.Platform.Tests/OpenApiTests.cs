using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// The gateway's OpenAPI document and API reference, read as an integrating system and a
/// browser would: without a token, from a running standalone platform.
/// </summary>
public sealed partial class OpenApiTests(OpenApiFixture fixture) : IClassFixture<OpenApiFixture>
{
    private const string DocumentPath = "/openapi/v1.json";
    private const string ReferencePage = "/api-docs/index.html";

    private RunningPlatform Running => fixture.Running;

    [Fact]
    public async Task Every_rest_route_annotated_in_the_protos_is_in_the_document_with_its_method_and_nothing_else_is()
    {
        var annotated = ProtoRoutes.All();
        using var document = await DocumentAsync();

        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Method: operation.Name.ToUpperInvariant(), Path: path.Name)))
            .ToHashSet();

        // Every annotation's first binding plus any additional ones; a parser that found nothing cannot pass.
        Assert.Equal(ProtoRoutes.AnnotationCount(), annotated.Count(route => route.Primary));
        Assert.True(annotated.Count >= 50, $"only {annotated.Count} routes parsed from protos/");
        var expected = annotated.Select(route => (route.Method, route.OpenApiPath)).ToHashSet();
        Assert.Empty(expected.Except(documented));
        Assert.Empty(documented.Except(expected));
    }

    [Fact]
    public async Task Each_operation_has_its_request_and_response_schemas_an_id_and_the_error_shape()
    {
        var annotated = ProtoRoutes.All();
        using var document = await DocumentAsync();
        var root = document.RootElement;
        var schemas = root.GetProperty("components").GetProperty("schemas");

        foreach (var route in annotated)
        {
            var operation = root.GetProperty("paths").GetProperty(route.OpenApiPath).GetProperty(route.Method.ToLowerInvariant());
            Assert.Equal($"{route.Service}_{route.Rpc}", operation.GetProperty("operationId").GetString());
            var responses = operation.GetProperty("responses");
            Assert.Equal(route.Returns, SchemaOf(responses.GetProperty("200")));
            Assert.Equal("google.rpc.Status", SchemaOf(responses.GetProperty("default")));
            // A body: "*" route takes the request message as its body; a route without a body sends none.
            Assert.Equal(route.HasBody, operation.TryGetProperty("requestBody", out var body));
            if (route.Body == "*")
            {
                Assert.Equal(route.Takes, SchemaOf(body));
            }
            foreach (var name in new[] { SchemaOf(responses.GetProperty("200")), SchemaOf(responses.GetProperty("default")) })
            {
                Assert.True(schemas.TryGetProperty(name, out _), $"{name} is referenced but not defined");
            }
        }

        // Fields as protobuf's JSON mapping names and writes them: lowerCamelCase, 64-bit integers as strings.
        var product = schemas.GetProperty("consortium.registry.v1.RegisterProductRequest").GetProperty("properties");
        Assert.Equal(["productId", "name", "targetAntigen", "cellSource", "manufacturer"], product.EnumerateObject().Select(p => p.Name));
        Assert.Equal("string", schemas.GetProperty("google.type.Money").GetProperty("properties").GetProperty("units").GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_document_names_the_gateway_as_its_server_and_a_bearer_token_as_the_security_scheme()
    {
        using var document = await DocumentAsync();
        var root = document.RootElement;

        Assert.StartsWith("3.0", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal(Running.Platform.GatewayHttp.ToString(), Assert.Single(root.GetProperty("servers").EnumerateArray()).GetProperty("url").GetString());
        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer", "JWT"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString(), bearer.GetProperty("bearerFormat").GetString()));
        // The description names every provider the gateway trusts: the consortium's and each country's.
        foreach (var issuer in Running.Platform.Issuers.Values)
        {
            Assert.Contains(issuer.ToString(), bearer.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
        // Every operation needs the token (none is public).
        Assert.Equal("bearer", Assert.Single(Assert.Single(root.GetProperty("security").EnumerateArray()).EnumerateObject()).Name);
    }

    [Fact]
    public async Task The_proto_comments_are_the_operations_descriptions()
    {
        var commented = ProtoRoutes.All().Where(route => route.Comment is not null && route.Primary).ToList();
        using var document = await DocumentAsync();

        Assert.True(commented.Count >= 20, $"only {commented.Count} commented RPCs parsed from protos/");
        foreach (var route in commented)
        {
            var operation = document.RootElement.GetProperty("paths").GetProperty(route.OpenApiPath).GetProperty(route.Method.ToLowerInvariant());
            var text = Text(operation, "summary") + " " + Text(operation, "description");
            Assert.Contains(Words(route.Comment!), Words(text), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_document_and_the_reference_need_no_token_while_the_api_still_does()
    {
        using var http = new HttpClient { BaseAddress = Running.Platform.GatewayHttp };

        using var document = await http.GetAsync(DocumentPath);
        using var reference = await http.GetAsync("/api-docs");
        using var api = await http.GetAsync("/v1/registry/products");

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal("application/json", document.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal(new Uri(Running.Platform.GatewayHttp, ReferencePage), reference.RequestMessage!.RequestUri);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task The_reference_page_loads_everything_from_the_gateway_and_the_browser_is_told_to_load_nothing_else()
    {
        using var http = new HttpClient { BaseAddress = Running.Platform.GatewayHttp };
        var pageUri = new Uri(Running.Platform.GatewayHttp, ReferencePage);

        using var response = await http.GetAsync(pageUri);
        var html = await response.Content.ReadAsStringAsync();
        var page = new HtmlParser().ParseDocument(html);

        // The page names no other host at all, and what it loads is the gateway's and is there.
        Assert.DoesNotMatch(ExternalUrl(), html);
        var loaded = page.QuerySelectorAll("script[src], link[href], img[src], iframe[src], source[src], object[data], embed[src]")
            .Select(e => e.GetAttribute("src") ?? e.GetAttribute("href") ?? e.GetAttribute("data")!)
            .Select(reference => new Uri(pageUri, reference))
            .ToList();
        Assert.Contains(loaded, uri => uri.AbsolutePath == "/api-docs/swagger-ui-bundle.js");
        Assert.Contains(loaded, uri => uri.AbsolutePath == "/api-docs/swagger-ui.css");
        foreach (var asset in loaded)
        {
            Assert.Equal(Running.Platform.GatewayHttp.GetLeftPart(UriPartial.Authority), asset.GetLeftPart(UriPartial.Authority));
            using var served = await http.GetAsync(asset);
            Assert.True(served.IsSuccessStatusCode, $"{asset}: {(int)served.StatusCode}");
            if (served.Content.Headers.ContentType?.MediaType == "text/css")
            {
                // A stylesheet could pull fonts or images: only data: URIs and the gateway's own.
                Assert.DoesNotMatch(@"(?i)(url\(\s*['""]?https?:|@import)", await served.Content.ReadAsStringAsync());
            }
        }
        // The document the page shows is the gateway's own, and no validator elsewhere is asked.
        using var config = JsonDocument.Parse(page.QuerySelector("script#swagger-ui-config")!.TextContent);
        Assert.Equal(DocumentPath, Assert.Single(config.RootElement.GetProperty("urls").EnumerateArray()).GetProperty("url").GetString());
        Assert.True(!config.RootElement.TryGetProperty("validatorUrl", out var validator) || validator.ValueKind == JsonValueKind.Null);

        // Whatever the scripts try, the browser may fetch from this gateway only.
        var policy = Directives(Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(["'none'"], policy["default-src"]);
        Assert.Equal(["'self'"], policy["script-src"]);
        Assert.Equal(["'self'"], policy["connect-src"]);
        Assert.All(policy.Values.SelectMany(sources => sources), source => Assert.True(
            source is "'self'" or "'none'" or "'unsafe-inline'" or "data:", $"the policy allows {source}"));
    }

    [Fact]
    public async Task The_document_and_the_reference_spend_from_the_callers_quota_like_every_request()
    {
        // A caller of its own (another loopback address), whose quota the fixture sets low.
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = FromAddress(OpenApiFixture.ThrottledAddress) })
        {
            BaseAddress = Running.Platform.GatewayHttp,
        };

        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { DocumentPath, ReferencePage, DocumentPath, DocumentPath, ReferencePage })
        {
            using var response = await http.GetAsync(path);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    private async Task<JsonDocument> DocumentAsync()
    {
        using var http = new HttpClient { BaseAddress = Running.Platform.GatewayHttp };
        using var response = await http.GetAsync(DocumentPath);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    /// <summary>The schema a response or request body refers to, by name.</summary>
    private static string SchemaOf(JsonElement withContent) =>
        withContent.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!
            .Replace("#/components/schemas/", "", StringComparison.Ordinal);

    private static string Text(JsonElement operation, string property) => operation.TryGetProperty(property, out var value) ? value.GetString() ?? "" : "";

    private static string Words(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static Dictionary<string, string[]> Directives(string policy) => policy
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(directive => directive.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .ToDictionary(parts => parts[0], parts => parts[1..]);

    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> FromAddress(IPAddress local) => async (context, ct) =>
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    [GeneratedRegex(@"(?i)https?://")]
    private static partial Regex ExternalUrl();
}

/// <summary>A platform whose gateway gives one loopback caller a quota of three requests.</summary>
public sealed class OpenApiFixture : IAsyncLifetime
{
    public static readonly IPAddress ThrottledAddress = IPAddress.Parse("127.0.0.2");

    public RunningPlatform Running { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Running = await RunningPlatform.StartAsync(demoData: false, configure: options => options with
    {
        AppSettings = new Dictionary<string, IReadOnlyDictionary<string, string?>>(options.AppSettings)
        {
            // Callers without a token count per remote address; overrides are by that address.
            ["gateway"] = new Dictionary<string, string?>
            {
                [$"RateLimits:Clients:{ThrottledAddress}:PermitLimit"] = "3",
                [$"RateLimits:Clients:{ThrottledAddress}:Window"] = "00:10:00",
            },
            // A test run without demo data still uses the demo's published pseudonymisation secrets.
            ["registry"] = new Dictionary<string, string?> { ["Registry:Pseudonymisation:AllowDemoSecrets"] = "true" },
        },
    });

    public async ValueTask DisposeAsync() => await Running.DisposeAsync();
}
