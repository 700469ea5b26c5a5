using System.Collections.Concurrent;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>The dispatcher's budget on a real SQLite store: attempts in the store, deferral, dead letters and their replay.</summary>
public sealed class DeliveryAttemptAndReplayTests : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromHours(24);
    private readonly TemporaryFolder _folder = new("cartc-attempts-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly FailureScript _script = new();
    private readonly CollectedLogs _logs = new();
    private readonly string _app = $"approvals-{Guid.NewGuid():N}";

    private string DatabasePath => Path.Combine(_folder, "approvals.db");

    private static string Consumer => typeof(ProductProjection).FullName!;

    [Fact]
    public async Task Attempts_survive_a_restart_so_the_budget_runs_from_the_very_first_delivery()
    {
        _script.TransientFailures["p1"] = int.MaxValue;
        var envelope = TestApp.ProductEnvelope("p1");
        await using (var before = Services())
        {
            Assert.Equal(DeliveryOutcome.Retry, await Dispatcher(before).DispatchAsync(envelope, 1, CancellationToken.None));
            Assert.Equal(DeliveryOutcome.Retry, await Dispatcher(before).DispatchAsync(envelope, 2, CancellationToken.None));
        }
        _clock.Advance(Budget);

        // A new process on the same file: it knows the event was first tried a day ago.
        await using var after = Services();
        Assert.Equal(DeliveryOutcome.Drop, await Dispatcher(after).DispatchAsync(envelope, 1, CancellationToken.None));

        var dead = Assert.Single((await DeadLetters(after).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        Assert.Equal(3, dead.Attempts);
        Assert.Equal(_clock.GetUtcNow() - Budget, dead.FirstAttemptAt);
        Assert.Equal([1, 2, 3], _script.Deliveries.Select(d => d.Attempt));
        Assert.Null(await after.GetRequiredService<IDeliveryAttemptStore>().FindAttemptAsync(Consumer, envelope.Id));
    }

    [Fact]
    public async Task A_deferral_asks_for_a_retry_without_counting_or_logging_a_failure()
    {
        using var deferred = new EventCounter("consortium.events.deferred");
        using var retried = new EventCounter("consortium.events.retried");
        _script.NotYet.Add("p1");
        await using var services = Services();
        var envelope = TestApp.ProductEnvelope("p1");

        Assert.Equal(DeliveryOutcome.Retry, await Dispatcher(services).DispatchAsync(envelope, 1, CancellationToken.None));
        Assert.Equal(DeliveryOutcome.Retry, await Dispatcher(services).DispatchAsync(envelope, 2, CancellationToken.None));

        Assert.Equal(2, deferred.Total(("consumer", _app)));
        Assert.Equal(0, retried.Total(("consumer", _app)));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("deferred", StringComparison.Ordinal));
        var record = await services.GetRequiredService<IDeliveryAttemptStore>().FindAttemptAsync(Consumer, envelope.Id);
        Assert.Equal(2, record!.Attempts);
        Assert.Contains("has not arrived", record.LastError, StringComparison.Ordinal);

        // Once what it waited for has come, the next delivery applies it.
        _script.NotYet.Remove("p1");
        Assert.Equal(DeliveryOutcome.Success, await Dispatcher(services).DispatchAsync(envelope, 3, CancellationToken.None));
        Assert.NotNull(await services.GetRequiredService<IDocumentStore>().FindAsync(Seen.Products, "p1"));
    }

    [Fact]
    public async Task A_transient_failure_is_retried_as_a_failure_with_a_warning()
    {
        using var retried = new EventCounter("consortium.events.retried");
        _script.TransientFailures["p1"] = 1;
        await using var services = Services();

        Assert.Equal(DeliveryOutcome.Retry, await Dispatcher(services).DispatchAsync(TestApp.ProductEnvelope("p1"), 1, CancellationToken.None));

        Assert.Equal(1, retried.Total(("consumer", _app)));
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_deferred_past_the_budget_is_dead_lettered_with_what_it_waited_for()
    {
        _script.NotYet.Add("p1");
        await using var services = Services();
        var envelope = TestApp.ProductEnvelope("p1");

        Assert.Equal(DeliveryOutcome.Retry, await Dispatcher(services).DispatchAsync(envelope, 1, CancellationToken.None));
        _clock.Advance(Budget);
        Assert.Equal(DeliveryOutcome.Drop, await Dispatcher(services).DispatchAsync(envelope, 2, CancellationToken.None));

        var dead = Assert.Single((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        Assert.Contains("not yet applicable: the institution of product p1 has not arrived", dead.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_dead_letter_is_handled_once_by_the_same_handler_with_the_original_envelope()
    {
        _script.TransientFailures["p1"] = int.MaxValue;
        await using var services = Services();
        var envelope = TestApp.ProductEnvelope("p1") with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
        await Dispatcher(services).DispatchAsync(envelope, 1, CancellationToken.None);
        _clock.Advance(Budget);
        Assert.Equal(DeliveryOutcome.Drop, await Dispatcher(services).DispatchAsync(envelope, 2, CancellationToken.None));
        var dead = Assert.Single((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        Assert.Equal((envelope.Source, envelope.OccurredAt, envelope.TraceParent), (dead.Source, dead.OccurredAt, dead.TraceParent));

        _script.TransientFailures.Remove("p1");
        var replay = await Dispatcher(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None);

        Assert.Equal(new ReplayResult(true, null), replay);
        Assert.NotNull(await services.GetRequiredService<IDocumentStore>().FindAsync(Seen.Products, "p1"));
        Assert.Empty((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        // Handled once: a redelivery and a second replay change nothing.
        Assert.Equal(DeliveryOutcome.Success, await Dispatcher(services).DispatchAsync(envelope, 3, CancellationToken.None));
        await Assert.ThrowsAsync<NotFoundException>(() => Dispatcher(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None));
        // Two failed deliveries, then the replay: a fresh count, and the handler's only success.
        Assert.Equal([("p1", 1), ("p1", 2), ("p1", 1)], _script.Deliveries);
    }

    [Fact]
    public async Task A_replay_that_fails_again_is_dead_lettered_again_at_once()
    {
        _script.Poison.Add("p1");
        await using var services = Services();
        var envelope = TestApp.ProductEnvelope("p1");
        Assert.Equal(DeliveryOutcome.Drop, await Dispatcher(services).DispatchAsync(envelope, 1, CancellationToken.None));
        _script.Poison.Remove("p1");
        _script.TransientFailures["p1"] = int.MaxValue;

        var replay = await Dispatcher(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None);

        Assert.False(replay.Handled);
        Assert.Contains("replay failed: TimeoutException", replay.Reason, StringComparison.Ordinal);
        var dead = Assert.Single((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        Assert.Equal(replay.Reason, dead.Reason);
        Assert.Equal(1, dead.Attempts);
        Assert.True(await services.GetRequiredService<IInbox>().HasHandledAsync(Consumer, envelope.Id));
    }

    [Fact]
    public async Task Replaying_for_a_handler_the_service_does_not_have_is_refused_and_keeps_the_letter()
    {
        _script.Poison.Add("p1");
        await using var services = Services();
        var envelope = TestApp.ProductEnvelope("p1");
        await Dispatcher(services).DispatchAsync(envelope, 1, CancellationToken.None);

        await Assert.ThrowsAsync<RuleViolationException>(() => Dispatcher(services).ReplayAsync(envelope.Id, "Some.Other.Handler", CancellationToken.None));
        await Assert.ThrowsAsync<NotFoundException>(() => Dispatcher(services).ReplayAsync("no-such-event", Consumer, CancellationToken.None));
        Assert.Single((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
    }

    [Fact]
    public async Task The_dead_letter_gauge_counts_stored_letters_per_topic()
    {
        _script.Poison.Add("p1");
        _script.Poison.Add("p2");
        await using var services = Services();
        await Dispatcher(services).DispatchAsync(TestApp.ProductEnvelope("p1"), 1, CancellationToken.None);
        var second = TestApp.ProductEnvelope("p2");
        await Dispatcher(services).DispatchAsync(second, 1, CancellationToken.None);
        var counts = services.GetRequiredService<DeadLetterCounts>();

        await counts.RefreshAsync(CancellationToken.None);
        Assert.Equal(2, counts.Current[IntegrationEvents.TopicOf<ProductRegistered>()]);

        _script.Poison.Remove("p2");
        await Dispatcher(services).ReplayAsync(second.Id, Consumer, CancellationToken.None);
        await counts.RefreshAsync(CancellationToken.None);
        Assert.Equal(1, counts.Current[IntegrationEvents.TopicOf<ProductRegistered>()]);
    }

    private static EventDispatcher Dispatcher(IServiceProvider services) => services.GetRequiredService<EventDispatcher>();

    private static IDeadLetterOperations DeadLetters(IServiceProvider services) => services.GetRequiredService<IDeadLetterOperations>();

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(_logs));
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton(Options.Create(new EventingOptions { AppId = _app, DeadLetterAfter = Budget }));
        services.AddSqliteStorage(DatabasePath);
        services.AddSingleton<DeadLetterCounts>();
        services.AddSingleton<EventDispatcher>();
        services.AddSingleton(_script);
        services.AddEventHandler<ProductRegistered, ProductProjection>();
        return services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _folder.Dispose();
    }

    /// <summary>Every log entry of the dispatcher, to tell a failure's warning from a deferral's debug line.</summary>
    private sealed class CollectedLogs : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Collector(CollectedLogs logs, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (category == typeof(EventDispatcher).FullName)
                {
                    logs.Entries.Enqueue((logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
