using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// The parked-event count per service and topic as a gauge (<c>consortium.events.parked</c>, tags <c>service</c>
/// and <c>topic</c>). The store holds the truth; this keeps the last counts read from it (by the relay when it
/// parks or takes its lease, and by the operations that put events back), because a gauge is read synchronously.
/// Kept per app id: the standalone process runs several services, each updating from its own store, and one
/// service's update must not reset another's counts.
/// </summary>
public static class ParkedEventsGauge
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> ByApp = new(StringComparer.Ordinal);

    private static readonly Meter Meter = new(EventingTelemetry.Name);

    // Kept referenced: the meter reports it for as long as the process runs.
    public static readonly ObservableGauge<long> Parked = Meter.CreateObservableGauge("consortium.events.parked",
        () => ByApp.SelectMany(app => app.Value.Select(topic => new Measurement<long>(topic.Value,
            new KeyValuePair<string, object?>("service", app.Key), new KeyValuePair<string, object?>("topic", topic.Key)))),
        description: "Events the broker refused for good, kept in the outbox until an operator puts them back");

    /// <summary>Takes <paramref name="appId"/>'s counts from its store; a topic of it counted before and now absent reads 0.</summary>
    public static void Update(string appId, IReadOnlyDictionary<string, long> counts)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentNullException.ThrowIfNull(counts);
        var current = ByApp.GetOrAdd(appId, _ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
        foreach (var topic in current.Keys.Concat(counts.Keys).Distinct(StringComparer.Ordinal).ToList())
        {
            current[topic] = counts.GetValueOrDefault(topic);
        }
    }

    /// <summary>The count last read for <paramref name="topic"/> in <paramref name="appId"/>'s outbox.</summary>
    public static long Of(string appId, string topic) =>
        ByApp.TryGetValue(appId, out var counts) ? counts.GetValueOrDefault(topic) : 0;
}
