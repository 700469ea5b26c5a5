namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// An integration event on the wire, whatever the transport. Maps one to one onto a
/// CloudEvent: id, type/topic, source, time, data (protobuf JSON) and the W3C
/// traceparent extension that carries the trace across the bus.
/// </summary>
public sealed record EventEnvelope(
    string Id,
    string Topic,
    string Source,
    DateTimeOffset OccurredAt,
    string Payload,
    string? TraceParent);

/// <summary>The eventing port's publishing side. Adapters: embedded bus, Dapr pub/sub.</summary>
public interface IEventPublisher
{
    /// <summary>Returns once the transport has accepted the event durably.</summary>
    Task PublishAsync(EventEnvelope envelope, CancellationToken ct = default);
}

/// <summary>What became of one delivery. Named after Dapr's subscriber answers.</summary>
public enum DeliveryOutcome
{
    /// <summary>Handled (or handled before): do not deliver again.</summary>
    Success,

    /// <summary>A transient failure: deliver again later.</summary>
    Retry,

    /// <summary>Will never succeed: dead-lettered, do not deliver again.</summary>
    Drop,
}

/// <summary>
/// Thrown by a handler for an event it can never process (a poison message). The
/// event is dead-lettered at once instead of being retried.
/// </summary>
public sealed class PoisonEventException(string message, Exception? inner = null) : Exception(message, inner);
