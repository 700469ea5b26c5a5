using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.Eventing.Dapr.Tests;

public sealed class PublisherTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Eventing:AppId"] = "registry",
        ["Eventing:Dapr:PubSubName"] = "consortium-bus",
        ["Eventing:OutboxPollInterval"] = "00:00:00.050",
        ["Eventing:RetryBaseDelay"] = "00:00:00.010",
    };

    [Fact]
    public async Task A_publish_reaches_the_sidecar_as_our_own_cloud_event()
    {
        await using var sidecar = await RecordedSidecar.StartAsync();
        using var dapr = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddDaprEventing(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build());
        services.Replace(ServiceDescriptor.Singleton(dapr));
        await using var provider = services.BuildServiceProvider();
        var publisher = provider.GetRequiredService<IEventPublisher>();
        Assert.IsType<DaprEventPublisher>(publisher);

        var payload = """{"product":{"productId":"tisagenlecleucel","name":"Kymriah","targetAntigen":"CD19"}}""";
        var envelope = new EventEnvelope(
            Id: "0192f0c4-7d2a-7000-8000-000000000001",
            Topic: "consortium.registry.v1.ProductRegistered",
            Source: "registry",
            OccurredAt: new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(5)),
            Payload: payload,
            TraceParent: CloudEvents.TraceParent);
        await publisher.PublishAsync(envelope);

        var request = await sidecar.NextPublishAsync();
        Assert.Equal("consortium-bus", request.PubsubName);
        Assert.Equal(envelope.Topic, request.Topic);
        Assert.Equal("application/cloudevents+json", request.DataContentType);

        var cloudEvent = JsonNode.Parse(request.Data.ToStringUtf8())!.AsObject();
        Assert.Equal("1.0", (string?)cloudEvent["specversion"]);
        Assert.Equal(envelope.Id, (string?)cloudEvent["id"]);
        Assert.Equal(envelope.Topic, (string?)cloudEvent["type"]);
        Assert.Equal("registry", (string?)cloudEvent["source"]);
        Assert.Equal("application/json", (string?)cloudEvent["datacontenttype"]);
        Assert.Equal(CloudEvents.TraceParent, (string?)cloudEvent["traceparent"]);
        Assert.Equal(envelope.OccurredAt, DateTimeOffset.Parse((string)cloudEvent["time"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("Z", (string?)cloudEvent["time"], StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, cloudEvent["data"]!.GetValueKind());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(payload), cloudEvent["data"]));
    }

    [Fact]
    public async Task An_event_raised_with_a_change_goes_from_the_outbox_to_the_sidecar_and_back_into_a_subscriber()
    {
        await using var sidecar = await RecordedSidecar.StartAsync();
        using var folder = new TemporaryFolder("cartc-dapr-pub-");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(Settings);
        // The Dapr SDK's own setting for where the sidecar's gRPC API is.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint });
        builder.Services.AddSqliteStorage(Path.Combine(folder, "publisher.db"));
        builder.Services.AddDaprEventing(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            using var operation = new Activity("register product").SetIdFormat(ActivityIdFormat.W3C).Start();
            var changes = new ChangeSet().Raise(
                new ProductRegistered { Product = new Product { ProductId = "brexucabtagene", Name = "Tecartus" } },
                TimeProvider.System);
            operation.Stop();
            await host.Services.GetRequiredService<IDocumentStore>().CommitAsync(changes);

            var request = await sidecar.NextPublishAsync();
            var cloudEvent = JsonNode.Parse(request.Data.ToStringUtf8())!.AsObject();
            Assert.Equal(changes.Events[0].Id, (string?)cloudEvent["id"]);
            Assert.Equal("registry", (string?)cloudEvent["source"]);
            Assert.Equal(IntegrationEvents.TopicOf<ProductRegistered>(), (string?)cloudEvent["type"]);
            Assert.Equal("brexucabtagene", (string?)cloudEvent["data"]!["product"]!["productId"]);
            // Same trace as the operation that raised the event.
            Assert.Equal(operation.TraceId.ToHexString(), ((string)cloudEvent["traceparent"]!).Split('-')[1]);

            // What we publish is what we consume: hand the recorded body, with the fields
            // Dapr adds on its way, to a subscriber as the sidecar would.
            cloudEvent["topic"] = request.Topic;
            cloudEvent["pubsubname"] = request.PubsubName;
            await using var subscriber = await SubscriberApp.StartAsync();
            Assert.Equal("SUCCESS", await subscriber.DeliverAsync(request.Topic, cloudEvent.ToJsonString()));
            var effect = Assert.Single(await Effects.OfAsync(subscriber.Store, changes.Events[0].Id));
            Assert.Equal("brexucabtagene", effect.Subject);
            Assert.Equal("registry", effect.Source);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
