using System.Diagnostics;
using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// How a protobuf message becomes an integration event: its topic is the message's full
/// protobuf name (e.g. consortium.registry.v1.ProductRegistered) and its data the
/// message in protobuf's canonical JSON.
/// </summary>
public static class IntegrationEvents
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static string TopicOf(MessageDescriptor descriptor) => descriptor.FullName;

    public static string TopicOf<T>() where T : IMessage<T>, new() => TopicOf(new T().Descriptor);

    /// <summary>Adds <paramref name="integrationEvent"/> to the outbox of this change set.</summary>
    public static ChangeSet Raise(this ChangeSet changes, IMessage integrationEvent, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var message = new OutboxMessage(
            Id: Guid.CreateVersion7(now).ToString(),
            Topic: TopicOf(integrationEvent.Descriptor),
            Payload: Formatter.Format(integrationEvent),
            TraceParent: Activity.Current?.Id,
            OccurredAt: now);
        return changes.Publish(message);
    }

    /// <summary>Reads an event's data; unknown fields (from a newer producer) are ignored.</summary>
    public static IMessage Parse(MessageDescriptor descriptor, string payload) => Parser.Parse(payload, descriptor);
}
