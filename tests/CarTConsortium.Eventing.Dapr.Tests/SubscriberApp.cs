using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CarTConsortium.Eventing.Dapr.Tests;

/// <summary>
/// A subscribing app as a service would host it: real Kestrel on a loopback port chosen
/// by the OS, SQLite storage, the Dapr eventing adapter and the two test handlers.
/// Tests play the sidecar by calling it over HTTP.
/// </summary>
public sealed class SubscriberApp : IAsyncDisposable
{
    public const string PubSubName = "test-pubsub";
    /// <summary>The app's dead-letter budget; tests move <see cref="Clock"/> past it.</summary>
    public static readonly TimeSpan DeadLetterAfter = TimeSpan.FromHours(1);

    private readonly WebApplication _app;
    private readonly TemporaryFolder _folder;

    private SubscriberApp(WebApplication app, TemporaryFolder folder, Uri address)
    {
        _app = app;
        _folder = folder;
        Http = new HttpClient { BaseAddress = address };
    }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The app's clock: the dispatcher measures the dead-letter budget on it.</summary>
    public FakeTimeProvider Clock => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    public static string ProductTopic => IntegrationEvents.TopicOf<ProductRegistered>();

    public static string AuthorisationTopic => IntegrationEvents.TopicOf<AuthorisationChanged>();

    public static async Task<SubscriberApp> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var folder = new TemporaryFolder("cartc-dapr-");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eventing:AppId"] = "approvals-test",
            ["Eventing:DeadLetterAfter"] = DeadLetterAfter.ToString(),
            ["Eventing:RetryBaseDelay"] = "00:00:00.001",
            ["Eventing:RetryMaxDelay"] = "00:00:00.010",
            ["Eventing:Dapr:PubSubName"] = PubSubName,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow));
        builder.Services.AddSqliteStorage(Path.Combine(folder, "subscriber.db"));
        builder.Services.AddDaprEventing(builder.Configuration);
        builder.Services.AddEventHandler<ProductRegistered, ProductRegisteredHandler>();
        builder.Services.AddEventHandler<AuthorisationChanged, AuthorisationChangedHandler>();

        var app = builder.Build();
        app.MapDaprEventing();
        await app.StartAsync();

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new SubscriberApp(app, folder, new Uri(bound));
    }

    /// <summary>Delivers a CloudEvent as the sidecar does and returns the status the app answered.</summary>
    public async Task<string> DeliverAsync(string topic, string body, string? apiToken = null)
    {
        var response = await PostAsync(topic, body, apiToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("status").GetString()!;
    }

    public async Task<HttpResponseMessage> PostAsync(string topic, string body, string? apiToken = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events/" + topic)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        if (apiToken is not null)
        {
            request.Headers.Add("dapr-api-token", apiToken);
        }
        return await Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            _folder.Dispose();
        }
        catch (IOException)
        {
            // A temp folder left behind is not worth failing a test for.
        }
    }
}

/// <summary>CloudEvents as a Dapr sidecar delivers them (structured JSON, with Dapr's added fields).</summary>
public static class CloudEvents
{
    public const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <param name="source">Who sent it; by default the service that owns the topic, as a real publisher would.</param>
    public static string Create(string id, string topic, string dataJson, bool dataAsString = false, string? traceParent = TraceParent, string? source = null)
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = source ?? EventOwnership.OwnerOf(topic),
            ["type"] = topic,
            ["time"] = "2026-01-02T03:04:05.678Z",
            ["datacontenttype"] = "application/json",
            ["data"] = dataAsString ? JsonValue.Create(dataJson) : JsonNode.Parse(dataJson),
            ["topic"] = topic,
            ["pubsubname"] = SubscriberApp.PubSubName,
        };
        if (traceParent is not null)
        {
            cloudEvent["traceparent"] = traceParent;
            cloudEvent["traceid"] = traceParent;
        }
        return cloudEvent.ToJsonString();
    }

    public static string Product(string id, string productId, bool dataAsString = false) =>
        Create(id, SubscriberApp.ProductTopic, $$$"""{"product":{"productId":"{{{productId}}}","name":"Test product"}}""", dataAsString);

    public static string Authorisation(string id, string productId) =>
        Create(id, SubscriberApp.AuthorisationTopic, $$$"""{"authorisation":{"authorisationId":"a-1","productId":"{{{productId}}}","jurisdiction":"KZ"}}""");

    public static string NewId() => Guid.NewGuid().ToString();
}
