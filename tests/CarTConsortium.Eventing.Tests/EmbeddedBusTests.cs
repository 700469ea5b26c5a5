using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>Two apps on one embedded bus: "registry" raises events, "approvals" projects them.</summary>
public sealed class EmbeddedBusTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-bus-");
    private readonly FailureScript _script = new();

    // Unique per test: counters are process-wide and other tests dead-letter the same topic.
    private readonly string _subscriber = $"approvals-{Guid.NewGuid():N}";

    private string BusPath => Path.Combine(_folder, "bus.db");

    [Fact]
    public async Task An_event_raised_in_one_app_is_projected_by_another_once()
    {
        using var bus = new EmbeddedBus(BusPath);
        await using var approvals = await StartSubscriberAsync(bus);
        await using var registry = await TestApp.StartAsync("registry", _folder, bus);
        bus.Open();

        await RaiseAsync(registry, "kymriah");

        await Eventually.HoldsAsync(async () => await approvals.Store.FindAsync(Seen.Products, "kymriah") is not null, "approvals saw the product");
        await Task.Delay(200);
        Assert.Equal([("kymriah", 1)], _script.Deliveries);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_with_backoff_until_it_succeeds()
    {
        _script.TransientFailures["kymriah"] = 2;
        using var bus = new EmbeddedBus(BusPath);
        await using var approvals = await StartSubscriberAsync(bus);
        await using var registry = await TestApp.StartAsync("registry", _folder, bus);
        bus.Open();

        await RaiseAsync(registry, "kymriah");

        await Eventually.HoldsAsync(async () => await approvals.Store.FindAsync(Seen.Products, "kymriah") is not null, "the third attempt succeeded");
        Assert.Equal([1, 2, 3], _script.Deliveries.Select(d => d.Attempt));
        Assert.Empty(await approvals.Services.GetRequiredService<IDeadLetterStore>().ListAsync(10));
    }

    [Fact]
    public async Task An_event_that_keeps_failing_is_dead_lettered_once_its_time_budget_is_spent_and_counted()
    {
        _script.TransientFailures["kymriah"] = int.MaxValue;
        using var deadLettered = new EventCounter("consortium.events.dead_lettered");
        using var bus = new EmbeddedBus(BusPath);
        await using var approvals = await StartSubscriberAsync(bus);
        await using var registry = await TestApp.StartAsync("registry", _folder, bus);
        bus.Open();

        await RaiseAsync(registry, "kymriah");

        var deadLetters = approvals.Services.GetRequiredService<IDeadLetterStore>();
        await Eventually.HoldsAsync(async () => (await deadLetters.ListAsync(10)).Count == 1, "the event was dead-lettered");
        var dead = Assert.Single(await deadLetters.ListAsync(10));
        Assert.True(dead.DeadLetteredAt - dead.FirstAttemptAt >= TestApp.DeadLetterAfter, $"dead-lettered {dead.DeadLetteredAt - dead.FirstAttemptAt} after the first attempt");
        Assert.True(dead.Attempts >= 3, $"{dead.Attempts} attempts");
        Assert.Equal("consortium.registry.v1.ProductRegistered", dead.Topic);
        // The bus counts a dead letter just after storing it, so the count may trail the stored letter by a moment.
        await Eventually.HoldsAsync(() => Task.FromResult(deadLettered.Total(("consumer", _subscriber), ("topic", "consortium.registry.v1.ProductRegistered")) == 1), "the dead letter was counted");
        await Task.Delay(300);
        Assert.Equal(1, deadLettered.Total(("consumer", _subscriber), ("topic", "consortium.registry.v1.ProductRegistered")));
        // Counted in the store: the handler saw each attempt's number, the last one is the dead letter's.
        Assert.Equal(Enumerable.Range(1, dead.Attempts), _script.Deliveries.Select(d => d.Attempt));
        Assert.Null(await approvals.Store.FindAsync(Seen.Products, "kymriah"));
    }

    [Fact]
    public async Task A_poison_event_is_dead_lettered_at_once_and_the_next_one_still_flows()
    {
        _script.Poison.Add("broken");
        using var bus = new EmbeddedBus(BusPath);
        await using var approvals = await StartSubscriberAsync(bus);
        await using var registry = await TestApp.StartAsync("registry", _folder, bus);
        bus.Open();

        await RaiseAsync(registry, "broken");
        await RaiseAsync(registry, "kymriah");

        await Eventually.HoldsAsync(async () => await approvals.Store.FindAsync(Seen.Products, "kymriah") is not null, "the next event was projected");
        var dead = Assert.Single(await approvals.Services.GetRequiredService<IDeadLetterStore>().ListAsync(10));
        Assert.Equal(1, dead.Attempts);
        Assert.Contains("can never be projected", dead.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_published_while_a_subscriber_is_down_reach_it_after_a_restart()
    {
        using (var bus = new EmbeddedBus(BusPath))
        {
            // The subscriber app subscribes, then goes down.
            await (await StartSubscriberAsync(bus)).DisposeAsync();
            await using var registry = await TestApp.StartAsync("registry", _folder, bus);
            bus.Open();
            await RaiseAsync(registry, "kymriah");
            await RaiseAsync(registry, "nexcar19");
            await Eventually.HoldsAsync(async () => (await registry.Services.GetRequiredService<IOutbox>().ReadPendingAsync(10)).Count == 0, "the relay published");
        }

        // The whole process restarts: a new bus on the same file, the subscriber comes back.
        using var restartedBus = new EmbeddedBus(BusPath);
        restartedBus.Open();
        await using var approvals = await StartSubscriberAsync(restartedBus);

        await Eventually.HoldsAsync(async () => (await approvals.Store.QueryAsync(Seen.Products, DocumentQuery.All)).Items.Count == 2, "both events arrived");
    }

    [Fact]
    public async Task The_bus_delivers_a_republished_event_id_once()
    {
        using var bus = new EmbeddedBus(BusPath);
        await using var approvals = await StartSubscriberAsync(bus);
        bus.Open();
        var envelope = new EventEnvelope(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<ProductRegistered>(), "registry",
            DateTimeOffset.UtcNow, Google.Protobuf.JsonFormatter.Default.Format(OutboxAndInboxTests.Registered("kymriah")), null);

        await bus.PublishAsync(envelope);
        await bus.PublishAsync(envelope);

        await Eventually.HoldsAsync(async () => await approvals.Store.FindAsync(Seen.Products, "kymriah") is not null, "the event arrived");
        await Task.Delay(200);
        Assert.Single(_script.Deliveries);
    }

    [Fact]
    public async Task Publishing_waits_until_the_host_opens_the_bus()
    {
        using var bus = new EmbeddedBus(BusPath);
        var envelope = new EventEnvelope("e1", "t", "registry", DateTimeOffset.UtcNow, "{}", null);

        var publish = bus.PublishAsync(envelope);
        await Task.Delay(100);
        Assert.False(publish.IsCompleted);

        bus.Open();
        await publish.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private Task<TestApp> StartSubscriberAsync(EmbeddedBus bus) => TestApp.StartProjectionAsync(_subscriber, _folder, bus, _script);

    private static Task RaiseAsync(TestApp app, string productId) =>
        app.Store.CommitAsync(new ChangeSet().Raise(OutboxAndInboxTests.Registered(productId), TimeProvider.System));

    public void Dispose()
    {
        _folder.Dispose();
    }
}
