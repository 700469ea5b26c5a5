using System.Net;
using CarTConsortium.BuildingBlocks.Eventing;
using Dapr.Client;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CarTConsortium.Eventing.Dapr.Tests;

/// <summary>Which answers of the sidecar park an event (refused for good) and which retry it.</summary>
public sealed class PublishRefusalTests
{
    [Theory]
    [InlineData(HttpStatusCode.BadRequest, true)]
    [InlineData(HttpStatusCode.Forbidden, true)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, true)]
    [InlineData(HttpStatusCode.RequestTimeout, false)]
    [InlineData(HttpStatusCode.TooManyRequests, false)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, false)]
    public void Over_http_a_4xx_other_than_timeout_and_throttling_is_for_good(HttpStatusCode status, bool permanent) =>
        Assert.Equal(permanent, DaprPublishRefusal.IsPermanent(status));

    [Theory]
    [InlineData(StatusCode.PermissionDenied, "topic orders is not allowed for app id registry", true)]
    [InlineData(StatusCode.InvalidArgument, "error when marshalling the cloud event", true)]
    [InlineData(StatusCode.ResourceExhausted, "grpc: received message larger than max (5242880 vs. 4194304)", true)]
    [InlineData(StatusCode.ResourceExhausted, "rate limited", false)]
    [InlineData(StatusCode.InvalidArgument, "pubsub consortium-bus is not found", false)]
    [InlineData(StatusCode.Unavailable, "connection refused", false)]
    [InlineData(StatusCode.Internal, "error when publish to topic in pubsub consortium-bus", false)]
    [InlineData(StatusCode.DeadlineExceeded, "", false)]
    public void Over_grpc_refusals_of_the_event_itself_are_for_good_and_the_rest_is_retried(StatusCode code, string detail, bool permanent) =>
        Assert.Equal(permanent, DaprPublishRefusal.IsPermanent(code, detail, "consortium-bus"));

    [Fact]
    public async Task A_publish_the_sidecar_refuses_for_good_fails_as_refused_and_a_transient_failure_does_not()
    {
        await using var sidecar = await RecordedSidecar.StartAsync();
        using var dapr = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddDaprEventing(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eventing:AppId"] = "registry",
            ["Eventing:Dapr:PubSubName"] = "consortium-bus",
        }).Build());
        services.Replace(ServiceDescriptor.Singleton(dapr));
        await using var provider = services.BuildServiceProvider();
        var publisher = provider.GetRequiredService<IEventPublisher>();
        var envelope = new EventEnvelope("0192f0c4-7d2a-7000-8000-000000000009", "consortium.registry.v1.ProductRegistered", "registry",
            DateTimeOffset.UtcNow, "{}", null);

        sidecar.RefuseNext((int)StatusCode.PermissionDenied, "topic consortium.registry.v1.ProductRegistered is not allowed for app id registry");
        var refused = await Assert.ThrowsAsync<EventRefusedException>(() => publisher.PublishAsync(envelope));
        Assert.Contains("PermissionDenied", refused.Message, StringComparison.Ordinal);

        sidecar.RefuseNext((int)StatusCode.Unavailable, "the broker is down");
        var transient = await Assert.ThrowsAnyAsync<Exception>(() => publisher.PublishAsync(envelope));
        Assert.IsNotType<EventRefusedException>(transient);

        await publisher.PublishAsync(envelope);
        Assert.Equal(envelope.Topic, (await sidecar.NextPublishAsync()).Topic);
    }
}
