using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Eventing;

namespace CarTConsortium.Eventing.Tests;

/// <summary>Sums one eventing counter of one consumer, per topic, while the test runs.</summary>
internal sealed class CounterListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _totals = [];

    public CounterListener(string instrument, string consumer)
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
            var all = tags.ToArray();
            if (all.FirstOrDefault(t => t.Key == "consumer").Value as string != consumer)
            {
                return;
            }
            var topic = all.FirstOrDefault(t => t.Key == "topic").Value as string ?? "";
            lock (_totals)
            {
                _totals[topic] = _totals.GetValueOrDefault(topic) + value;
            }
        });
        _listener.Start();
    }

    public long Total(string topic)
    {
        lock (_totals)
        {
            return _totals.GetValueOrDefault(topic);
        }
    }

    public void Dispose() => _listener.Dispose();
}
