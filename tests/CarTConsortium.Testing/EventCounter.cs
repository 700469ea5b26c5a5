using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Eventing;

namespace CarTConsortium.Testing;

/// <summary>
/// Sums one counter of the eventing building block (e.g. consortium.events.forged) while a test runs,
/// by its tags. Counters are process-wide, so a test filters on tags only it produces (its consumer, say).
/// </summary>
public sealed class EventCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(long Value, Dictionary<string, string> Tags)> _measurements = [];

    public EventCounter(string instrument)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == EventingTelemetry.Name && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var byName = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                byName[tag.Key] = tag.Value as string ?? "";
            }
            lock (_measurements)
            {
                _measurements.Add((value, byName));
            }
        });
        _listener.Start();
    }

    /// <summary>The sum of the measurements that carry every one of <paramref name="tags"/>.</summary>
    public long Total(params (string Name, string Value)[] tags)
    {
        lock (_measurements)
        {
            return _measurements.Where(m => tags.All(t => m.Tags.GetValueOrDefault(t.Name) == t.Value)).Sum(m => m.Value);
        }
    }

    public void Dispose() => _listener.Dispose();
}
