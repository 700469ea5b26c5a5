using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Eventing;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>Several services in one process (the standalone host): each reports its own parked counts, none resets another's.</summary>
public sealed class ParkedEventsGaugeTests
{
    [Fact]
    public void Each_app_reports_its_own_parked_counts_tagged_with_its_service_and_an_update_of_one_leaves_the_others()
    {
        // App ids of this test only: the gauge is process-wide and other tests update it too.
        ParkedEventsGauge.Update("gauge-registry", new Dictionary<string, long> { ["consortium.registry.v1.ProductRegistered"] = 2 });
        ParkedEventsGauge.Update("gauge-slots", new Dictionary<string, long> { ["consortium.slots.v1.BookingConfirmed"] = 1 });
        // slots' next count has nothing parked: its topic reads 0, registry's stays.
        ParkedEventsGauge.Update("gauge-slots", new Dictionary<string, long>());

        var measured = Observe();

        Assert.Equal(2, measured[("gauge-registry", "consortium.registry.v1.ProductRegistered")]);
        Assert.Equal(0, measured[("gauge-slots", "consortium.slots.v1.BookingConfirmed")]);
        Assert.False(measured.ContainsKey(("gauge-slots", "consortium.registry.v1.ProductRegistered")));
        Assert.Equal(2, ParkedEventsGauge.Of("gauge-registry", "consortium.registry.v1.ProductRegistered"));
        Assert.Equal(0, ParkedEventsGauge.Of("gauge-procurement", "consortium.registry.v1.ProductRegistered"));
    }

    /// <summary>One collection of the gauge, by (service, topic) tags.</summary>
    private static Dictionary<(string Service, string Topic), long> Observe()
    {
        var measured = new Dictionary<(string, string), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EventingTelemetry.Name && instrument.Name == "consortium.events.parked")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? service = null, topic = null;
            foreach (var tag in tags)
            {
                service = tag.Key == "service" ? tag.Value as string : service;
                topic = tag.Key == "topic" ? tag.Value as string : topic;
            }
            measured[(service ?? "", topic ?? "")] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return measured;
    }
}
