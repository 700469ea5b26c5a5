using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>The trace source and counters of the eventing building block.</summary>
public static class EventingTelemetry
{
    public const string Name = "CarTConsortium.Eventing";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Published = Meter.CreateCounter<long>("consortium.events.published", description: "Integration events handed to the transport");
    public static readonly Counter<long> Handled = Meter.CreateCounter<long>("consortium.events.handled", description: "Deliveries handled successfully");
    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("consortium.events.duplicates", description: "Deliveries of an event already handled");
    public static readonly Counter<long> Retried = Meter.CreateCounter<long>("consortium.events.retried", description: "Deliveries that failed and will be retried");
    public static readonly Counter<long> Forged = Meter.CreateCounter<long>("consortium.events.forged", description: "Events refused because their source is not the service that owns their topic");
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("consortium.events.dead_lettered", description: "Events given up on and dead-lettered");
    public static readonly Counter<long> Deferred = Meter.CreateCounter<long>("consortium.events.deferred", description: "Deliveries a handler could not apply yet (not failures), delivered again later");

    /// <summary>Dead letters stored now, per consuming app and topic: what an operator has to look at (read by <see cref="DeadLetterCounts"/>).</summary>
    public static readonly ObservableGauge<long> DeadLetters = Meter.CreateObservableGauge("consortium.events.dead_letters", DeadLetterCounts.Observe,
        description: "Dead letters stored and not replayed, per topic");

    /// <summary>Starts a span whose parent is the traceparent the event carried.</summary>
    public static Activity? StartFromTraceParent(string name, ActivityKind kind, string? traceParent, string topic)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity(name, kind, parent);
        activity?.SetTag("messaging.destination.name", topic);
        return activity;
    }
}
