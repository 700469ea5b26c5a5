using System.Collections.Concurrent;
using System.Diagnostics;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// One trace follows a request from the gateway through a service, across an event, into
/// the subscriber (ARCHITECTURE.md, "Telemetry").
/// </summary>
public sealed class TraceTests(PlatformFixture fixture)
{
    [Fact]
    public async Task One_trace_runs_from_the_gateway_through_the_registry_across_the_bus_into_approvals()
    {
        var spans = new ConcurrentDictionary<ActivitySpanId, Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => spans[activity.SpanId] = activity,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("CarTConsortium.Tests.Client");

        ActivityTraceId traceId;
        using (var client = source.StartActivity("client registers a product", ActivityKind.Client))
        {
            traceId = client!.TraceId;
            await new RegistryService.RegistryServiceClient(fixture.Running.ChannelAs(DemoClients.Admin)).RegisterProductAsync(new RegisterProductRequest
            {
                ProductId = "traced-product",
                Name = "Traced",
                TargetAntigen = "CD19",
                CellSource = CellSource.Autologous,
                Manufacturer = "Trace Bio",
            });
        }

        var consumer = await Eventually.SucceedsAsync(() => Task.FromResult(spans.Values.Single(a =>
            a.OperationName == "process consortium.registry.v1.ProductRegistered"
            && a.TraceId == traceId
            && (string?)a.GetTagItem("messaging.consumer.group.name") == "approvals")));

        // Walk from the subscriber's span back to the client's: every hop must be on the way.
        var chain = new List<Activity>();
        for (Activity? span = consumer; span is not null; span = spans.GetValueOrDefault(span.ParentSpanId))
        {
            Assert.Equal(traceId, span.TraceId);
            chain.Add(span);
        }
        var ports = fixture.Running.Options.Ports;
        Assert.Contains(chain, s => s.OperationName == "publish consortium.registry.v1.ProductRegistered");
        Assert.Contains(chain, s => IsServerSpanOn(s, ports["registry"].GrpcPort));
        Assert.Contains(chain, s => IsServerSpanOn(s, ports["gateway"].GrpcPort));
        Assert.Equal("client registers a product", chain[^1].OperationName);
    }

    private static bool IsServerSpanOn(Activity span, int port) =>
        span.Kind == ActivityKind.Server && Equals(span.GetTagItem("server.port"), port);
}
