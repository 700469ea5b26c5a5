using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CarTConsortium.Platform.Tests;

/// <summary>Sums one counter of the process's meters by the value of one of its tags, e.g. rejections by reason.</summary>
public sealed class MetricCounts : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _sums = new();
    private readonly MeterListener _listener = new();

    public MetricCounts(string meter, string instrument, string tag)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if ((published.Meter.Name, published.Name) == (meter, instrument))
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var key = "";
            foreach (var pair in tags)
            {
                key = pair.Key == tag ? pair.Value as string ?? "" : key;
            }
            _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>The sum so far of the measurements tagged <paramref name="value"/>.</summary>
    public long Of(string value) => _sums.GetValueOrDefault(value);

    public void Dispose() => _listener.Dispose();
}
