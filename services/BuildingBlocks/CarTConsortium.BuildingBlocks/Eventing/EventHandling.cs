using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// Handles one integration event type. It records what it changes in
/// <see cref="EventContext.Changes"/>; the dispatcher commits those together with the
/// inbox mark, so the event has its effect exactly once however often it is delivered.
/// </summary>
public interface IEventHandler<in TEvent> where TEvent : IMessage<TEvent>
{
    Task HandleAsync(TEvent integrationEvent, EventContext context, CancellationToken ct);
}

public sealed class EventContext(EventEnvelope envelope, int attempt, ChangeSet changes)
{
    public EventEnvelope Envelope { get; } = envelope;

    /// <summary>1 for the first delivery.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>Committed atomically with the inbox mark after the handler returns.</summary>
    public ChangeSet Changes { get; } = changes;
}

/// <summary>One handler subscribed to one topic.</summary>
public sealed record EventSubscription(string Topic, string Consumer, MessageDescriptor Descriptor, Type HandlerType)
{
    internal Func<object, IMessage, EventContext, CancellationToken, Task> Invoke { get; init; } = (_, _, _, _) => Task.CompletedTask;
}

public static class EventHandlingRegistration
{
    /// <summary>Subscribes <typeparamref name="THandler"/> to the topic of <typeparamref name="TEvent"/>.</summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IMessage<TEvent>, new()
        where THandler : class, IEventHandler<TEvent>
    {
        services.TryAddScoped<THandler>();
        services.AddSingleton(new EventSubscription(
            IntegrationEvents.TopicOf<TEvent>(),
            Consumer: typeof(THandler).FullName ?? typeof(THandler).Name,
            new TEvent().Descriptor,
            typeof(THandler))
        {
            Invoke = (handler, message, context, ct) => ((THandler)handler).HandleAsync((TEvent)message, context, ct),
        });
        return services;
    }
}
