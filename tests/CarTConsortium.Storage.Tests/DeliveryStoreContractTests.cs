using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.MongoDb;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using MongoDB.Driver;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// What every adapter must do for event delivery: attempts per (handler, event) that survive a new store
/// instance, and dead letters listed by page and topic, counted, and settled by a replay's commit: taken with the
/// handler's writes, or updated in place, once however many replays race.
/// </summary>
public abstract class DeliveryStoreContractTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, 123, TimeSpan.Zero);
    private static readonly Collection<Vial> Replayed = new("replayed_vials");

    /// <summary>A store on a fresh, empty database, and a way to open a new instance on the same one.</summary>
    protected abstract (object Store, Func<object> Reopen) Open();

    [Fact]
    public async Task Attempts_count_from_the_first_and_survive_a_new_store_instance()
    {
        var (store, reopen) = Open();
        var attempts = (IDeliveryAttemptStore)store;

        Assert.Equal(new DeliveryAttempt("h", "e1", At, 1, null), await attempts.RecordAttemptAsync("h", "e1", At));
        await attempts.RecordErrorAsync("h", "e1", "TimeoutException: busy");
        Assert.Equal(new DeliveryAttempt("h", "e1", At, 2, "TimeoutException: busy"), await attempts.RecordAttemptAsync("h", "e1", At.AddHours(1)));

        var reopened = (IDeliveryAttemptStore)reopen();
        Assert.Equal(new DeliveryAttempt("h", "e1", At, 3, "TimeoutException: busy"), await reopened.RecordAttemptAsync("h", "e1", At.AddHours(2)));
        // Per handler: another handler of the same event counts on its own.
        Assert.Equal(1, (await reopened.RecordAttemptAsync("other", "e1", At)).Attempts);

        await reopened.ForgetAttemptsAsync("h", "e1");
        Assert.Null(await attempts.FindAttemptAsync("h", "e1"));
        Assert.NotNull(await attempts.FindAttemptAsync("other", "e1"));
    }

    [Fact]
    public async Task Concurrent_attempts_on_one_event_each_count()
    {
        var (store, _) = Open();
        var attempts = (IDeliveryAttemptStore)store;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => attempts.RecordAttemptAsync("h", "e1", At)));

        Assert.Equal(8, (await attempts.FindAttemptAsync("h", "e1"))!.Attempts);
    }

    [Fact]
    public async Task Dead_letters_keep_their_envelope_and_page_newest_event_first_by_topic()
    {
        var (store, _) = Open();
        var documents = (IDocumentStore)store;
        var operations = (IDeadLetterOperations)store;
        foreach (var (id, topic) in new[] { ("0001", "t.a"), ("0002", "t.b"), ("0003", "t.a"), ("0004", "t.a") })
        {
            await documents.CommitAsync(new ChangeSet().MarkHandled("h", id).DeadLetter(Letter(id, topic)));
        }

        var first = await operations.ListDeadLettersAsync(new DeadLetterQuery("t.a", null, 2));
        Assert.Equal(["0004", "0003"], first.Items.Select(d => d.EventId));
        Assert.Equal(Letter("0004", "t.a"), first.Items[0]);
        var second = await operations.ListDeadLettersAsync(new DeadLetterQuery("t.a", first.NextAfterKey, 2));
        Assert.Equal(["0001"], second.Items.Select(d => d.EventId));
        Assert.Null(second.NextAfterKey);
        Assert.Equal(4, (await operations.ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items.Count);
        Assert.Equal(new Dictionary<string, long> { ["t.a"] = 3, ["t.b"] = 1 }, await operations.CountDeadLettersByTopicAsync());
    }

    [Fact]
    public async Task A_replay_commit_takes_the_letter_and_its_attempts_with_the_handlers_writes_and_keeps_the_mark()
    {
        var (store, _) = Open();
        var documents = (IDocumentStore)store;
        var operations = (IDeadLetterOperations)store;
        var inbox = (IInbox)store;
        await ((IDeliveryAttemptStore)store).RecordAttemptAsync("h", "0001", At);
        await documents.CommitAsync(new ChangeSet().MarkHandled("h", "0001").DeadLetter(Letter("0001", "t.a")));
        await documents.CommitAsync(new ChangeSet().MarkHandled("other", "0001").DeadLetter(Letter("0001", "t.a") with { Consumer = "other" }));
        var letter = await operations.FindDeadLetterAsync("0001", "h");
        Assert.Equal(Letter("0001", "t.a"), letter);

        await documents.CommitAsync(new ChangeSet().Insert(Replayed, "v1", new Vial("v1", "KZ", 1)).ReplaySucceeded(letter!, At.AddHours(1)));

        Assert.Null(await operations.FindDeadLetterAsync("0001", "h"));
        Assert.Null(await ((IDeliveryAttemptStore)store).FindAttemptAsync("h", "0001"));
        Assert.True(await inbox.HasHandledAsync("h", "0001"));
        Assert.NotNull(await documents.FindAsync(Replayed, "v1"));
        // The other handler's letter and mark stay.
        Assert.True(await inbox.HasHandledAsync("other", "0001"));
        Assert.Equal(["other"], (await operations.ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items.Select(d => d.Consumer));
        // A second replay of the same letter: nothing of its commit is applied.
        await Assert.ThrowsAsync<DeadLetterReplayConflictException>(() =>
            documents.CommitAsync(new ChangeSet().Insert(Replayed, "v2", new Vial("v2", "KZ", 1)).ReplaySucceeded(letter!, At.AddHours(2))));
        Assert.Null(await documents.FindAsync(Replayed, "v2"));
        Assert.Null(await operations.FindDeadLetterAsync("missing", "h"));
    }

    [Fact]
    public async Task A_failed_replay_updates_the_letter_in_place_and_a_replay_that_read_it_before_loses()
    {
        var (store, _) = Open();
        var documents = (IDocumentStore)store;
        var operations = (IDeadLetterOperations)store;
        await documents.CommitAsync(new ChangeSet().MarkHandled("h", "0001").DeadLetter(Letter("0001", "t.a")));
        var read = (await operations.FindDeadLetterAsync("0001", "h"))!;

        await documents.CommitAsync(new ChangeSet().ReplayFailed(read, "replay failed: still busy", At.AddHours(1)));

        var kept = Assert.Single((await operations.ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
        Assert.Equal(Letter("0001", "t.a") with { Reason = "replay failed: still busy", Attempts = 4, DeadLetteredAt = At.AddHours(1) }, kept);
        Assert.Equal(new Dictionary<string, long> { ["t.a"] = 1 }, await operations.CountDeadLettersByTopicAsync());
        Assert.True(await ((IInbox)store).HasHandledAsync("h", "0001"));
        // Both a success and a failure that read the letter before that update changed nothing.
        await Assert.ThrowsAsync<DeadLetterReplayConflictException>(() =>
            documents.CommitAsync(new ChangeSet().Insert(Replayed, "v1", new Vial("v1", "KZ", 1)).ReplaySucceeded(read, At.AddHours(2))));
        await Assert.ThrowsAsync<DeadLetterReplayConflictException>(() =>
            documents.CommitAsync(new ChangeSet().ReplayFailed(read, "replay failed: late", At.AddHours(2))));
        Assert.Null(await documents.FindAsync(Replayed, "v1"));
        Assert.Equal(kept, await operations.FindDeadLetterAsync("0001", "h"));
    }

    [Fact]
    public async Task Concurrent_replay_commits_of_one_letter_settle_it_once()
    {
        var (store, _) = Open();
        var documents = (IDocumentStore)store;
        await documents.CommitAsync(new ChangeSet().MarkHandled("h", "0001").DeadLetter(Letter("0001", "t.a")));
        var letter = (await ((IDeadLetterOperations)store).FindDeadLetterAsync("0001", "h"))!;
        // The collection exists before the race (MongoDB would otherwise also race to create it).
        await documents.CommitAsync(new ChangeSet().Insert(Replayed, "seed", new Vial("seed", "KZ", 0)));

        var commits = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await documents.CommitAsync(new ChangeSet().Insert(Replayed, $"v{i}", new Vial($"v{i}", "KZ", i)).ReplaySucceeded(letter, At));
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                // DeadLetterReplayConflictException, or on MongoDB a transaction that kept conflicting: ABORTED either way.
                return false;
            }
        }).ToList();
        var won = await Task.WhenAll(commits);

        Assert.Equal(1, won.Count(w => w));
        var applied = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            if (await documents.FindAsync(Replayed, $"v{i}") is not null)
            {
                applied.Add($"v{i}");
            }
        }
        Assert.Equal([$"v{Array.IndexOf(won, true)}"], applied);
        Assert.Null(await ((IDeadLetterOperations)store).FindDeadLetterAsync("0001", "h"));
    }

    [Fact]
    public async Task A_replay_writes_the_inbox_mark_again_when_pruning_took_it()
    {
        var (store, _) = Open();
        var documents = (IDocumentStore)store;
        // A letter whose mark is gone, as after pruning.
        await documents.CommitAsync(new ChangeSet().DeadLetter(Letter("0001", "t.a")));
        Assert.False(await ((IInbox)store).HasHandledAsync("h", "0001"));

        await documents.CommitAsync(new ChangeSet().ReplaySucceeded(Letter("0001", "t.a"), At));

        Assert.True(await ((IInbox)store).HasHandledAsync("h", "0001"));
        await Assert.ThrowsAsync<EventAlreadyHandledException>(() => documents.CommitAsync(new ChangeSet().MarkHandled("h", "0001")));
    }

    [Fact]
    public async Task Pruning_keeps_the_inbox_mark_of_an_event_that_is_still_a_dead_letter()
    {
        var (store, _) = Open();
        var documents = (IDocumentStore)store;
        await documents.CommitAsync(new ChangeSet().MarkHandled("h", "0001").DeadLetter(Letter("0001", "t.a")));
        await documents.CommitAsync(new ChangeSet().MarkHandled("h", "0002"));

        var pruned = await ((IEventRetention)store).PruneAsync(DateTimeOffset.UtcNow.AddDays(1));

        // The dead-lettered event's mark stays, so a redelivery cannot apply it beside a later replay.
        Assert.Equal(1, pruned.InboxMarks);
        Assert.True(await ((IInbox)store).HasHandledAsync("h", "0001"));
        Assert.False(await ((IInbox)store).HasHandledAsync("h", "0002"));
        Assert.Single((await ((IDeadLetterOperations)store).ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items);
    }

    protected static DeadLetter Letter(string eventId, string topic) =>
        new(eventId, "h", topic, "{}", "gave up", 3, At.AddMinutes(5), "registry", At.AddMinutes(-1),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", At);
}

public sealed class SqliteDeliveryStoreContractTests : DeliveryStoreContractTests, IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-delivery-");

    protected override (object Store, Func<object> Reopen) Open()
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.db");
        return (new SqliteDocumentStore(path, new OutboxSignal()), () => new SqliteDocumentStore(path, new OutboxSignal()));
    }

    [Fact]
    public async Task A_start_gives_back_the_inbox_mark_an_earlier_pruning_took_from_a_dead_letter()
    {
        var (store, reopen) = Open();
        // What the previous release's pruning left: a letter without its mark.
        await ((IDocumentStore)store).CommitAsync(new ChangeSet().DeadLetter(Letter("0001", "t.a")));
        await ((IDocumentStore)store).CommitAsync(new ChangeSet().MarkHandled("h", "0002"));
        Assert.False(await ((IInbox)store).HasHandledAsync("h", "0001"));

        var restarted = (SqliteDocumentStore)reopen();

        // A redelivery is now refused, so only the letter's replay applies the event.
        Assert.True(await restarted.HasHandledAsync("h", "0001"));
        await Assert.ThrowsAsync<EventAlreadyHandledException>(() => restarted.CommitAsync(new ChangeSet().MarkHandled("h", "0001")));
        // Pruning keeps the repaired mark while the letter exists; a second start changes nothing.
        Assert.Equal(1, (await restarted.PruneAsync(DateTimeOffset.UtcNow.AddDays(1))).InboxMarks);
        Assert.True(await ((SqliteDocumentStore)reopen()).HasHandledAsync("h", "0001"));
    }

    public void Dispose()
    {
        _folder.Dispose();
    }
}

/// <summary>The same against MongoDB, where <see cref="MongoStorageContractTests.UriVariable"/> names a replica set.</summary>
public sealed class MongoDeliveryStoreContractTests : DeliveryStoreContractTests, IDisposable
{
    private readonly List<string> _databases = [];
    private readonly MongoClient? _client = Environment.GetEnvironmentVariable(MongoStorageContractTests.UriVariable) is { Length: > 0 } uri ? new MongoClient(uri) : null;

    protected override (object Store, Func<object> Reopen) Open()
    {
        Assert.SkipWhen(_client is null, $"No MongoDB server here: set {MongoStorageContractTests.UriVariable} to a replica set's URI.");
        var name = $"cartc_test_{Guid.NewGuid():N}";
        _databases.Add(name);
        return (new MongoDocumentStore(_client!.GetDatabase(name), new OutboxSignal()), () => new MongoDocumentStore(_client.GetDatabase(name), new OutboxSignal()));
    }

    public void Dispose()
    {
        foreach (var name in _databases)
        {
            _client?.DropDatabase(name);
        }
        _client?.Dispose();
    }
}
