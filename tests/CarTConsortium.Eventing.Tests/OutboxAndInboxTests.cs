using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

public sealed class OutboxAndInboxTests : IDisposable
{
    private static readonly Collection<SeenProduct> Products = new("products");
    private readonly TemporaryFolder _folder = new("cartc-outbox-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_relay_that_died_after_the_save_publishes_every_event_when_restarted()
    {
        var store = new SqliteDocumentStore(Path.Combine(_folder, "registry.db"), new OutboxSignal());
        var raised = new List<string>();
        foreach (var id in new[] { "p1", "p2", "p3" })
        {
            var changes = new ChangeSet()
                .Insert(Products, id, new SeenProduct(id, id))
                .Raise(Registered(id), TimeProvider.System);
            raised.Add(changes.Events.Single().Id);
            await store.CommitAsync(changes);
        }

        // The first relay dies mid-batch: it publishes p1, then the transport goes away.
        var flaky = new RecordingPublisher(failAfter: 1);
        await Assert.ThrowsAsync<IOException>(() => Relay(store, flaky).PublishPendingAsync(CancellationToken.None));
        Assert.Equal(raised.Take(1), flaky.Published.Select(e => e.Id));

        // A new process on the same database: a fresh store and a fresh relay.
        var restarted = new SqliteDocumentStore(Path.Combine(_folder, "registry.db"), new OutboxSignal());
        var healthy = new RecordingPublisher();
        await Relay(restarted, healthy).PublishPendingAsync(CancellationToken.None);

        Assert.Equal(raised.Skip(1), healthy.Published.Select(e => e.Id));
        Assert.Empty(await restarted.ReadPendingAsync(10));
        var payload = healthy.Published[0];
        Assert.Equal("consortium.registry.v1.ProductRegistered", payload.Topic);
        Assert.Equal("registry", payload.Source);
        Assert.Equal("p2", ProductRegistered.Parser.ParseJson(payload.Payload).Product.ProductId);
    }

    [Fact]
    public async Task A_relay_that_died_between_publish_and_mark_publishes_again_at_least_once()
    {
        var store = new SqliteDocumentStore(Path.Combine(_folder, "registry.db"), new OutboxSignal());
        var changes = new ChangeSet().Raise(Registered("p1"), TimeProvider.System);
        await store.CommitAsync(changes);

        // The transport accepted the event, but the process died before the outbox heard so.
        var acceptedThenCrashed = new RecordingPublisher(crashAfterAccepting: true);
        await Assert.ThrowsAsync<IOException>(() => Relay(store, acceptedThenCrashed).PublishPendingAsync(CancellationToken.None));
        var again = new RecordingPublisher();
        await Relay(store, again).PublishPendingAsync(CancellationToken.None);

        Assert.Equal(changes.Events.Single().Id, acceptedThenCrashed.Published.Single().Id);
        Assert.Equal(changes.Events.Single().Id, again.Published.Single().Id);
    }

    [Fact]
    public async Task A_consumer_given_the_same_event_twice_applies_it_once()
    {
        await using var services = ConsumerServices();
        var dispatcher = services.GetRequiredService<EventDispatcher>();
        var envelope = Envelope(Registered("p1"));

        var first = await dispatcher.DispatchAsync(envelope, attempt: 1, CancellationToken.None);
        var second = await dispatcher.DispatchAsync(envelope, attempt: 1, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Success, first);
        Assert.Equal(DeliveryOutcome.Success, second);
        Assert.Single(services.GetRequiredService<FailureScript>().Deliveries);
        var seen = await services.GetRequiredService<IDocumentStore>().QueryAsync(Seen.Products, DocumentQuery.All);
        Assert.Single(seen.Items);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_event_apply_it_once()
    {
        await using var services = ConsumerServices();
        var dispatcher = services.GetRequiredService<EventDispatcher>();
        var envelope = Envelope(Registered("p1"));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var deliveries = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await dispatcher.DispatchAsync(envelope, attempt: 1, CancellationToken.None);
        })).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(deliveries);

        Assert.All(outcomes, o => Assert.Equal(DeliveryOutcome.Success, o));
        var seen = await services.GetRequiredService<IDocumentStore>().QueryAsync(Seen.Products, DocumentQuery.All);
        Assert.Single(seen.Items);
    }

    [Fact]
    public async Task A_transient_failure_asks_for_a_retry_and_the_first_attempt_after_the_budget_dead_letters()
    {
        await using var services = ConsumerServices();
        services.GetRequiredService<FailureScript>().TransientFailures["p1"] = int.MaxValue;
        var dispatcher = services.GetRequiredService<EventDispatcher>();
        var envelope = Envelope(Registered("p1"));

        Assert.Equal(DeliveryOutcome.Retry, await dispatcher.DispatchAsync(envelope, attempt: 1, CancellationToken.None));
        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(DeliveryOutcome.Retry, await dispatcher.DispatchAsync(envelope, attempt: 2, CancellationToken.None));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(DeliveryOutcome.Drop, await dispatcher.DispatchAsync(envelope, attempt: 3, CancellationToken.None));

        var dead = Assert.Single(await services.GetRequiredService<IDeadLetterStore>().ListAsync(10));
        Assert.Equal(envelope.Id, dead.EventId);
        Assert.Equal(3, dead.Attempts);
        Assert.Equal(_clock.GetUtcNow() - TimeSpan.FromHours(24), dead.FirstAttemptAt);
        Assert.Contains("TimeoutException", dead.Reason, StringComparison.Ordinal);
        // Dead-lettered counts as handled: a late redelivery has no effect.
        Assert.Equal(DeliveryOutcome.Success, await dispatcher.DispatchAsync(envelope, attempt: 1, CancellationToken.None));
    }

    [Fact]
    public async Task A_payload_that_is_not_the_event_is_dead_lettered_at_once()
    {
        await using var services = ConsumerServices();
        var dispatcher = services.GetRequiredService<EventDispatcher>();
        var envelope = Envelope(Registered("p1")) with { Payload = "{\"product\": 42" };

        Assert.Equal(DeliveryOutcome.Drop, await dispatcher.DispatchAsync(envelope, attempt: 1, CancellationToken.None));

        Assert.Contains("unreadable", Assert.Single(await services.GetRequiredService<IDeadLetterStore>().ListAsync(10)).Reason, StringComparison.Ordinal);
        Assert.Empty(services.GetRequiredService<FailureScript>().Deliveries);
    }

    private ServiceProvider ConsumerServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton(Options.Create(new EventingOptions { AppId = "approvals", DeadLetterAfter = TimeSpan.FromHours(24) }));
        services.AddSqliteStorage(Path.Combine(_folder, $"approvals-{Guid.NewGuid():N}.db"));
        services.AddSingleton<EventDispatcher>();
        services.AddSingleton<FailureScript>();
        services.AddEventHandler<ProductRegistered, ProductProjection>();
        return services.BuildServiceProvider();
    }

    private static OutboxRelay Relay(SqliteDocumentStore store, IEventPublisher publisher) =>
        new(store, store, publisher, new OutboxSignal(), TestLeases.On(store), TimeProvider.System, Options.Create(new EventingOptions { AppId = "registry" }),
            NullLogger<OutboxRelay>.Instance);

    internal static ProductRegistered Registered(string id) =>
        new() { Product = new Product { ProductId = id, Name = "Product " + id, TargetAntigen = "CD19", CellSource = CellSource.Autologous } };

    private static EventEnvelope Envelope(ProductRegistered e) =>
        new(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<ProductRegistered>(), "registry", DateTimeOffset.UtcNow,
            Google.Protobuf.JsonFormatter.Default.Format(e), null);

    public void Dispose()
    {
        _folder.Dispose();
    }

    /// <summary>A transport that records what it accepted, and can fail on cue.</summary>
    private sealed class RecordingPublisher(int failAfter = int.MaxValue, bool crashAfterAccepting = false) : IEventPublisher
    {
        public List<EventEnvelope> Published { get; } = [];

        public Task PublishAsync(EventEnvelope envelope, CancellationToken ct = default)
        {
            if (Published.Count >= failAfter)
            {
                throw new IOException("the broker connection dropped");
            }
            Published.Add(envelope);
            return crashAfterAccepting ? throw new IOException("the process died") : Task.CompletedTask;
        }
    }
}
