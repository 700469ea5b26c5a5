using CarTConsortium.BuildingBlocks.Eventing;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Eventing.Dapr;

/// <summary>
/// Publishes through the Dapr sidecar. The body is our own CloudEvent, sent as
/// <c>application/cloudevents+json</c> so that the sidecar forwards it instead of
/// wrapping it in a CloudEvent of its own (it only adds fields that are missing, such
/// as topic and pubsubname). Returns once the sidecar has handed it to the broker.
/// </summary>
public sealed class DaprEventPublisher(DaprClient dapr, IOptions<DaprEventingOptions> options) : IEventPublisher
{
    /// <exception cref="EventRefusedException">The sidecar refused the event for good (<see cref="DaprPublishRefusal"/>).</exception>
    public async Task PublishAsync(EventEnvelope envelope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var body = CloudEventJson.Write(envelope);
        var pubSubName = options.Value.PubSubName;
        try
        {
            await dapr.PublishByteEventAsync(pubSubName, envelope.Topic, body, dataContentType: CloudEventJson.MediaType, cancellationToken: ct);
        }
        catch (DaprException e) when (DaprPublishRefusal.ReasonFor(e, pubSubName) is { } reason)
        {
            throw new EventRefusedException(reason, e);
        }
    }
}
