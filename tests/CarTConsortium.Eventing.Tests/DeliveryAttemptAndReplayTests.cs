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

/// <summary>
/// The dispatcher's budget on a real SQLite store (attempts in the store, deferral, dead letters) and the replay of dead
/// letters: settled in the handler's own commit, kept as they were when that commit never happens, applied once under a race.
/// </summary>
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
        var replay = await Replay(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None);

        Assert.Equal(new ReplayResult(true, null), replay);
        Assert.NotNull(await services.GetRequiredService<IDocumentStore>().FindAsync(Seen.Products, "p1"));
        Assert.Empty((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        // Handled once: a redelivery and a second replay change nothing.
        Assert.Equal(DeliveryOutcome.Success, await Dispatcher(services).DispatchAsync(envelope, 3, CancellationToken.None));
        await Assert.ThrowsAsync<NotFoundException>(() => Replay(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None));
        // Two failed deliveries, then the replay as the third attempt: the handler's only success.
        Assert.Equal([("p1", 1), ("p1", 2), ("p1", 3)], _script.Deliveries);
    }

    [Fact]
    public async Task A_replay_that_fails_again_keeps_exactly_one_letter_updated_in_place_with_the_new_reason()
    {
        var (services, store, envelope, before) = await PoisonDeadLetteredAsync();
        await using var _ = services;
        _script.TransientFailures["p1"] = int.MaxValue;
        _clock.Advance(TimeSpan.FromHours(3));

        var replay = await Replay(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None);

        Assert.False(replay.Handled);
        Assert.Contains("replay failed: TimeoutException", replay.Reason, StringComparison.Ordinal);
        var dead = Assert.Single((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        Assert.Equal(before with { Reason = replay.Reason!, Attempts = 2, DeadLetteredAt = _clock.GetUtcNow() }, dead);
        // One commit, and it updated the stored letter rather than deleting and inserting one.
        var commit = Assert.Single(store.Commits);
        Assert.Equal(before, commit.Replayed!.Letter);
        Assert.Equal(dead, commit.Replayed.KeptAs);
        Assert.Null(commit.DeadLettered);
        Assert.True(await services.GetRequiredService<IInbox>().HasHandledAsync(Consumer, envelope.Id));
        Assert.Null(await services.GetRequiredService<IDocumentStore>().FindAsync(Seen.Products, "p1"));
    }

    [Fact]
    public async Task A_successful_replay_takes_the_letter_and_its_attempts_in_the_handlers_own_commit()
    {
        var (services, store, envelope, _) = await PoisonDeadLetteredAsync();
        await using var _ = services;
        // An attempt record left behind (its clean-up after the dead-lettering failed).
        await services.GetRequiredService<IDeliveryAttemptStore>().RecordAttemptAsync(Consumer, envelope.Id, _clock.GetUtcNow());

        Assert.True((await Replay(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None)).Handled);

        var commit = Assert.Single(store.Commits);
        Assert.Equal((Seen.Products.Name, "p1"), (Assert.Single(commit.Writes).Collection, commit.Writes[0].Id));
        Assert.Equal(envelope.Id, commit.Replayed!.Letter.EventId);
        Assert.Null(commit.Replayed.KeptAs);
        Assert.Null(commit.Handled);
        Assert.Empty((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        Assert.Null(await services.GetRequiredService<IDeliveryAttemptStore>().FindAttemptAsync(Consumer, envelope.Id));
        Assert.True(await services.GetRequiredService<IInbox>().HasHandledAsync(Consumer, envelope.Id));
    }

    [Fact]
    public async Task A_crash_before_the_replays_commit_keeps_the_letter_as_it_was_and_it_replays_after_a_restart()
    {
        _script.Poison.Add("p1");
        var envelope = TestApp.ProductEnvelope("p1");
        DeadLetter before;
        await using (var first = Services())
        {
            await Dispatcher(first).DispatchAsync(envelope, 1, CancellationToken.None);
            before = Assert.Single((await DeadLetters(first).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        }
        _script.Poison.Remove("p1");

        // The process dies once the handler has run: from then on no commit of it reaches the file.
        var dying = new InterceptedStore { BeforeCommit = (_, _) => throw new IOException("the process was killed") };
        await using (var services = Services(dying))
        {
            await Assert.ThrowsAsync<IOException>(() => Replay(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None));
        }
        // The app stops half-way through a replay (its request cancelled): the same.
        using var stopping = new CancellationTokenSource();
        var cancelled = new InterceptedStore
        {
            BeforeCommit = (_, ct) =>
            {
                stopping.Cancel();
                ct.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
        };
        await using (var services = Services(cancelled))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Replay(services).ReplayAsync(envelope.Id, Consumer, stopping.Token));
        }

        await using var restarted = Services();
        Assert.Equal(before, Assert.Single((await DeadLetters(restarted).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items));
        Assert.True(await restarted.GetRequiredService<IInbox>().HasHandledAsync(Consumer, envelope.Id));
        Assert.Null(await restarted.GetRequiredService<IDocumentStore>().FindAsync(Seen.Products, "p1"));
        Assert.Equal(new ReplayResult(true, null), await Replay(restarted).ReplayAsync(envelope.Id, Consumer, CancellationToken.None));
        Assert.NotNull(await restarted.GetRequiredService<IDocumentStore>().FindAsync(Seen.Products, "p1"));
        Assert.Empty((await DeadLetters(restarted).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        // The letter never changed, so every replay ran as the same second attempt.
        Assert.Equal([("p1", 1), ("p1", 2), ("p1", 2), ("p1", 2)], _script.Deliveries);
    }

    [Fact]
    public async Task Of_two_concurrent_replays_of_one_letter_exactly_one_applies_and_the_other_is_aborted()
    {
        var arrived = 0;
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (services, store, envelope, _) = await PoisonDeadLetteredAsync();
        await using var _ = services;
        // Both replays have read the letter and run the handler before either commits.
        store.BeforeCommit = async (_, ct) =>
        {
            if (Interlocked.Increment(ref arrived) == 2)
            {
                both.SetResult();
            }
            await both.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                return (object)await Replay(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None);
            }
            catch (DeadLetterReplayConflictException e)
            {
                return e;
            }
        }));

        Assert.Single(outcomes, o => o is ReplayResult { Handled: true });
        Assert.IsAssignableFrom<ConcurrencyConflictException>(Assert.Single(outcomes, o => o is Exception));
        Assert.Equal([("p1", 1), ("p1", 2), ("p1", 2)], _script.Deliveries);
        Assert.NotNull(await services.GetRequiredService<IDocumentStore>().FindAsync(Seen.Products, "p1"));
        Assert.Empty((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        await Assert.ThrowsAsync<NotFoundException>(() => Replay(services).ReplayAsync(envelope.Id, Consumer, CancellationToken.None));
    }

    [Fact]
    public async Task Replaying_for_a_handler_the_service_does_not_have_is_refused_and_keeps_the_letter()
    {
        _script.Poison.Add("p1");
        await using var services = Services();
        var envelope = TestApp.ProductEnvelope("p1");
        await Dispatcher(services).DispatchAsync(envelope, 1, CancellationToken.None);

        await Assert.ThrowsAsync<RuleViolationException>(() => Replay(services).ReplayAsync(envelope.Id, "Some.Other.Handler", CancellationToken.None));
        await Assert.ThrowsAsync<NotFoundException>(() => Replay(services).ReplayAsync("no-such-event", Consumer, CancellationToken.None));
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
        await Replay(services).ReplayAsync(second.Id, Consumer, CancellationToken.None);
        await counts.RefreshAsync(CancellationToken.None);
        Assert.Equal(1, counts.Current[IntegrationEvents.TopicOf<ProductRegistered>()]);
    }

    private static EventDispatcher Dispatcher(IServiceProvider services) => services.GetRequiredService<EventDispatcher>();

    /// <summary>A service, its intercepted store (no commits recorded yet) and p1's dead letter: poison once, applicable now.</summary>
    private async Task<(ServiceProvider Services, InterceptedStore Store, EventEnvelope Envelope, DeadLetter Letter)> PoisonDeadLetteredAsync()
    {
        _script.Poison.Add("p1");
        var store = new InterceptedStore();
        var services = Services(store);
        var envelope = TestApp.ProductEnvelope("p1");
        Assert.Equal(DeliveryOutcome.Drop, await Dispatcher(services).DispatchAsync(envelope, 1, CancellationToken.None));
        _script.Poison.Remove("p1");
        store.Commits.Clear();
        var letter = Assert.Single((await DeadLetters(services).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        return (services, store, envelope, letter);
    }

    private static DeadLetterReplay Replay(IServiceProvider services) => services.GetRequiredService<DeadLetterReplay>();

    private static IDeadLetterOperations DeadLetters(IServiceProvider services) => services.GetRequiredService<IDeadLetterOperations>();

    /// <param name="intercepted">Stands between the dispatcher and replay and the file, when given.</param>
    private ServiceProvider Services(InterceptedStore? intercepted = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(_logs));
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton(Options.Create(new EventingOptions { AppId = _app, DeadLetterAfter = Budget }));
        services.AddSqliteStorage(DatabasePath);
        services.AddSingleton<DeadLetterCounts>();
        if (intercepted is not null)
        {
            services.AddSingleton<IDocumentStore>(sp => intercepted.Over(sp.GetRequiredService<SqliteDocumentStore>()));
        }
        services.AddSingleton<EventDispatcher>();
        services.AddSingleton<DeadLetterReplay>();
        services.AddSingleton(_script);
        services.AddEventHandler<ProductRegistered, ProductProjection>();
        return services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _folder.Dispose();
    }

    /// <summary>The store as the dispatcher and the replay see it: every commit recorded, and held or refused when a test says so.</summary>
    private sealed class InterceptedStore : IDocumentStore
    {
        private IDocumentStore? _inner;

        public ConcurrentQueue<ChangeSet> Commits { get; } = new();

        /// <summary>Runs before each commit reaches the file; throwing keeps the commit from it.</summary>
        public Func<ChangeSet, CancellationToken, Task>? BeforeCommit { get; set; }

        public InterceptedStore Over(IDocumentStore inner)
        {
            _inner = inner;
            return this;
        }

        public Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class =>
            Inner.FindAsync(collection, id, ct);

        public Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class =>
            Inner.QueryAsync(collection, query, ct);

        public async Task CommitAsync(ChangeSet changes, CancellationToken ct = default)
        {
            if (BeforeCommit is { } before)
            {
                await before(changes, ct);
            }
            await Inner.CommitAsync(changes, ct);
            Commits.Enqueue(changes);
        }

        private IDocumentStore Inner => _inner ?? throw new InvalidOperationException("Not placed over a store yet.");
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
