using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// What delivering (<see cref="EventDispatcher"/>) and replaying (<see cref="DeadLetterReplay"/>) share: the span and
/// metric tags of one event, reading its payload, and running one handler in a scope of its own.
/// </summary>
internal static class HandlerRun
{
    /// <summary>A consumer span whose parent is the traceparent the event carried.</summary>
    public static Activity? StartActivity(EventEnvelope envelope, string operation, string appId)
    {
        var activity = EventingTelemetry.StartFromTraceParent($"{operation} {envelope.Topic}", ActivityKind.Consumer, envelope.TraceParent, envelope.Topic);
        activity?.SetTag("messaging.message.id", envelope.Id);
        activity?.SetTag("messaging.consumer.group.name", appId);
        return activity;
    }

    /// <summary>Per topic and per consuming app: one process may host several subscribers (standalone).</summary>
    public static TagList Tags(EventEnvelope envelope, string appId) => new()
    {
        { "topic", envelope.Topic },
        { "consumer", appId },
    };

    /// <summary>The event's message, or null and why when its payload is poison.</summary>
    public static IMessage? TryParse(EventSubscription subscription, EventEnvelope envelope, out string problem)
    {
        try
        {
            problem = "";
            return IntegrationEvents.Parse(subscription.Descriptor, envelope.Payload);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            // JsonParser throws InvalidJsonException for text that is not JSON at all and
            // InvalidProtocolBufferException for JSON that is not this message: both are poison.
            problem = "unreadable payload: " + e.Message;
            return null;
        }
    }

    /// <summary>Runs the handler, which records its changes in <paramref name="context"/> (the caller commits them).</summary>
    public static async Task InvokeAsync(IServiceScopeFactory scopes, EventSubscription subscription, IMessage message, EventContext context, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService(subscription.HandlerType);
        await subscription.Invoke(handler, message, context, ct);
    }
}
