using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// The parked-event count per topic as a gauge (<c>consortium.events.parked</c>). The store holds the truth;
/// this keeps the last count read from it (by the relay when it parks or takes its lease, and by the
/// operations that put events back), because a gauge is read synchronously. A topic belongs to one service,
/// so apps sharing a process never report the same topic.
/// </summary>
public static class ParkedEventsGauge
{
    private static readonly ConcurrentDictionary<string, long> Counts = new(StringComparer.Ordinal);

    private static readonly Meter Meter = new(EventingTelemetry.Name);

    // Kept referenced: the meter reports it for as long as the process runs.
    public static readonly ObservableGauge<long> Parked = Meter.CreateObservableGauge("consortium.events.parked",
        () => Counts.Select(entry => new Measurement<long>(entry.Value, new KeyValuePair<string, object?>("topic", entry.Key))),
        description: "Events the broker refused for good, kept in the outbox until an operator puts them back");

    /// <summary>Takes the store's counts; a topic counted before and now absent reads 0.</summary>
    public static void Update(IReadOnlyDictionary<string, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var topic in Counts.Keys.Concat(counts.Keys).Distinct(StringComparer.Ordinal).ToList())
        {
            Counts[topic] = counts.GetValueOrDefault(topic);
        }
    }

    /// <summary>The count last read for <paramref name="topic"/>.</summary>
    public static long Of(string topic) => Counts.GetValueOrDefault(topic);
}
