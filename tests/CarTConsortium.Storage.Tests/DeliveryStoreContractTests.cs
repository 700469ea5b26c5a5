using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.MongoDb;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using MongoDB.Driver;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// What every adapter must do for event delivery: attempts per (handler, event) that survive a new store
/// instance, and dead letters listed by page and topic, counted, and released with their inbox mark at once.
/// </summary>
public abstract class DeliveryStoreContractTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, 123, TimeSpan.Zero);

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
    public async Task Releasing_a_dead_letter_removes_it_its_inbox_mark_and_its_attempts_once()
    {
        var (store, _) = Open();
        var documents = (IDocumentStore)store;
        var operations = (IDeadLetterOperations)store;
        await ((IDeliveryAttemptStore)store).RecordAttemptAsync("h", "0001", At);
        await documents.CommitAsync(new ChangeSet().MarkHandled("h", "0001").DeadLetter(Letter("0001", "t.a")));
        await documents.CommitAsync(new ChangeSet().MarkHandled("other", "0001").DeadLetter(Letter("0001", "t.a") with { Consumer = "other" }));

        var released = await Task.WhenAll(operations.ReleaseDeadLetterAsync("0001", "h"), operations.ReleaseDeadLetterAsync("0001", "h"));

        Assert.Equal(Letter("0001", "t.a"), Assert.Single(released, r => r is not null));
        Assert.False(await ((IInbox)store).HasHandledAsync("h", "0001"));
        Assert.Null(await ((IDeliveryAttemptStore)store).FindAttemptAsync("h", "0001"));
        // The other handler's letter and mark stay.
        Assert.True(await ((IInbox)store).HasHandledAsync("other", "0001"));
        Assert.Equal(["other"], (await operations.ListDeadLettersAsync(new DeadLetterQuery(null, null, 10))).Items.Select(d => d.Consumer));
        Assert.Null(await operations.ReleaseDeadLetterAsync("missing", "h"));
    }

    private static DeadLetter Letter(string eventId, string topic) =>
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
