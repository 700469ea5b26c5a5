using System.Diagnostics;
using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// The file's one writer: concurrent commits queue without holding pool threads, commit together (group commit),
/// and one failing change set never takes its neighbours down with it.
/// </summary>
public sealed class SqliteWriterTests : IDisposable
{
    private static readonly Collection<Vial> Vials = new("vials", ("site", v => v.Site), ("lot", v => v.Lot));
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TemporaryFolder _folder = new("cartc-writer-");
    private readonly string _owner = $"writer-test-{Guid.NewGuid():N}";

    private string DatabasePath => Path.Combine(_folder, "store.db");

    [Fact]
    public async Task Five_hundred_concurrent_commits_with_conflicts_commit_exactly_the_winners_in_few_transactions()
    {
        using var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal(), _owner);
        var shared = Enumerable.Range(0, 10).Select(i => new Stored<Vial>($"shared-{i}", 1, new Vial("L", "astana", 0))).ToList();
        var seed = new ChangeSet();
        foreach (var document in shared)
        {
            seed.Insert(Vials, document.Id, document.Value);
        }
        await store.CommitAsync(seed);
        var writer = store.File.Writer;
        var transactionsBefore = writer.Transactions;
        using var groups = new GroupSizes(_owner);

        // 200 new documents (all win), 100 inserts of 10 ids (one each wins), 200 updates of 10 documents at version 1 (one each wins).
        var calls = new List<(string Kind, string Id, int Caller, Task Commit)>();
        await using (var holder = await HoldWriteLockAsync())
        {
            // All 500 are queued before the writer can run: the first waits for the lock alone, the rest queue behind it.
            for (var caller = 0; caller < 500; caller++)
            {
                var (kind, id) = caller switch
                {
                    < 200 => ("new", $"new-{caller}"),
                    < 300 => ("duplicate", $"dup-{caller % 10}"),
                    _ => ("update", $"shared-{caller % 10}"),
                };
                var value = new Vial($"L-{caller}", "tashkent", caller);
                var changes = kind == "update"
                    ? new ChangeSet().Update(Vials, shared[caller % 10], value)
                    : new ChangeSet().Insert(Vials, id, value);
                calls.Add((kind, id, caller, store.CommitAsync(changes)));
                if (caller == 0)
                {
                    await WaitUntilAsync(() => writer.QueueLength == 0);
                }
            }
            await WaitUntilAsync(() => writer.QueueLength == 499);
        }
        await Task.WhenAll(calls.Select(c => c.Commit)).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Patience);

        Assert.All(calls.Where(c => c.Kind == "new"), c => Assert.True(c.Commit.IsCompletedSuccessfully));
        foreach (var contested in calls.Where(c => c.Kind != "new").GroupBy(c => c.Id))
        {
            var winner = Assert.Single(contested, c => c.Commit.IsCompletedSuccessfully);
            Assert.All(contested.Where(c => c != winner), loser => Assert.IsType(
                winner.Kind == "update" ? typeof(StaleVersionException) : typeof(DocumentExistsException), loser.Commit.Exception?.InnerException));
            // What is stored is the winner's write, and nothing wrote over it.
            var stored = await store.FindAsync(Vials, contested.Key);
            Assert.Equal(winner.Caller, stored?.Value.Count);
            Assert.Equal(winner.Kind == "update" ? 2 : 1, stored?.Version);
        }
        var all = await store.QueryAllAsync(Vials, DocumentQuery.All);
        Assert.Equal(10 + 200 + 10, all.Count);

        var transactions = writer.Transactions - transactionsBefore;
        // One for the first, then the 499 queued behind it in groups of at most MaxGroup (256): 1 + 2.
        Assert.Equal(1 + ((499 + SqliteWriter.MaxGroup - 1) / SqliteWriter.MaxGroup), transactions);
        Assert.Equal(500, groups.Jobs);
        Assert.Equal(transactions, groups.Transactions);
    }

    [Fact]
    public async Task A_change_set_that_fails_inside_a_group_is_rolled_back_alone()
    {
        using var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal(), _owner);
        await store.CommitAsync(new ChangeSet().Insert(Vials, "taken", new Vial("L-0", "astana", 0)));
        var writer = store.File.Writer;
        Task before, first, failing, last;
        long transactionsBefore;
        await using (var holder = await HoldWriteLockAsync())
        {
            // The first commit is taken alone and waits for the lock; the next three queue behind it, as one group.
            before = store.CommitAsync(new ChangeSet().Insert(Vials, "before", new Vial("L-1", "astana", 1)));
            await WaitUntilAsync(() => writer.QueueLength == 0);
            transactionsBefore = writer.Transactions;
            first = store.CommitAsync(new ChangeSet().Insert(Vials, "first", new Vial("L-2", "astana", 2)));
            failing = store.CommitAsync(new ChangeSet()
                .Insert(Vials, "half", new Vial("L-3", "astana", 3))
                .Insert(Vials, "taken", new Vial("L-4", "astana", 4)));
            last = store.CommitAsync(new ChangeSet().Insert(Vials, "last", new Vial("L-5", "astana", 5)));
            await WaitUntilAsync(() => writer.QueueLength == 3);
        }

        await before.WaitAsync(Patience);
        await first.WaitAsync(Patience);
        await last.WaitAsync(Patience);
        await Assert.ThrowsAsync<DocumentExistsException>(() => failing.WaitAsync(Patience));
        Assert.Equal(2, writer.Transactions - transactionsBefore);
        Assert.NotNull(await store.FindAsync(Vials, "first"));
        Assert.NotNull(await store.FindAsync(Vials, "last"));
        // The failing change set's first write went with its savepoint.
        Assert.Null(await store.FindAsync(Vials, "half"));
        Assert.Equal(0, (await store.FindAsync(Vials, "taken"))?.Value.Count);
    }

    [Fact]
    public async Task Commits_waiting_for_another_connection_s_lock_hold_no_pool_thread()
    {
        using var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal(), _owner);
        List<Task> commits;
        await using (var holder = await HoldWriteLockAsync())
        {
            commits = Enumerable.Range(0, 200)
                .Select(i => Task.Run(() => store.CommitAsync(new ChangeSet().Insert(Vials, $"v{i}", new Vial($"L-{i}", "astana", i)))))
                .ToList();
            // While every commit waits for the lock, the pool still runs other work at once.
            for (var ping = 0; ping < 20; ping++)
            {
                var watch = Stopwatch.StartNew();
                await Task.Run(() => Task.Delay(10));
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"A pool ping took {watch.Elapsed}: pool threads are blocked");
            }
            Assert.DoesNotContain(commits, commit => commit.IsCompleted);
        }

        await Task.WhenAll(commits).WaitAsync(Patience);
        Assert.Equal(200, (await store.QueryAllAsync(Vials, DocumentQuery.All)).Count);
    }

    [Fact]
    public async Task An_acknowledged_commit_is_in_the_file_for_a_new_store()
    {
        var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal(), _owner);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            store.CommitAsync(new ChangeSet().Insert(Vials, $"v{i}", new Vial($"L-{i}", "astana", i)))));
        Assert.Equal(2L, await store.File.WriteAsync(connection =>
        {
            using var command = SqliteFile.Command(connection, "PRAGMA synchronous");
            return (long)command.ExecuteScalar()!;
        }, CancellationToken.None));

        // No disposal of the first store (as after a crash), no shared pool: a separate connection reads the file.
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM documents WHERE collection = 'vials'";
        Assert.Equal(50L, await command.ExecuteScalarAsync());
        using var reopened = new SqliteDocumentStore(DatabasePath, new OutboxSignal(), _owner);
        Assert.Equal(49, (await reopened.FindAsync(Vials, "v49"))?.Value.Count);
    }

    [Fact]
    public async Task A_commit_cancelled_while_queued_is_dropped_and_one_started_completes()
    {
        using var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal(), _owner);
        var writer = store.File.Writer;
        using var cancel = new CancellationTokenSource();
        Task started, dropped;
        await using (var holder = await HoldWriteLockAsync())
        {
            started = store.CommitAsync(new ChangeSet().Insert(Vials, "started", new Vial("L-1", "astana", 1)), cancel.Token);
            await WaitUntilAsync(() => writer.QueueLength == 0);
            dropped = store.CommitAsync(new ChangeSet().Insert(Vials, "dropped", new Vial("L-2", "astana", 2)), cancel.Token);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped.WaitAsync(Patience));
        }

        await started.WaitAsync(Patience);
        Assert.NotNull(await store.FindAsync(Vials, "started"));
        await store.CommitAsync(new ChangeSet().Insert(Vials, "after", new Vial("L-3", "astana", 3)));
        Assert.Null(await store.FindAsync(Vials, "dropped"));
    }

    [Fact]
    public async Task Disposal_commits_what_is_queued_ends_the_thread_and_refuses_later_writes()
    {
        var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal(), _owner);
        var writer = store.File.Writer;
        Task taken, queued, closing;
        await using (var holder = await HoldWriteLockAsync())
        {
            taken = store.CommitAsync(new ChangeSet().Insert(Vials, "taken", new Vial("L-1", "astana", 1)));
            await WaitUntilAsync(() => writer.QueueLength == 0);
            queued = store.CommitAsync(new ChangeSet().Insert(Vials, "queued", new Vial("L-2", "astana", 2)));
            closing = store.DisposeAsync().AsTask();
            var refused = await Assert.ThrowsAsync<ObjectDisposedException>(() =>
                store.CommitAsync(new ChangeSet().Insert(Vials, "late", new Vial("L-3", "astana", 3))));
            Assert.Contains(_owner, refused.Message, StringComparison.Ordinal);
            Assert.False(closing.IsCompleted);
        }

        await closing.WaitAsync(Patience);
        Assert.False(writer.IsRunning);
        // Both were committed, not refused (their callers resume on the pool, so await them rather than peek).
        await taken.WaitAsync(Patience);
        await queued.WaitAsync(Patience);
        using var reopened = new SqliteDocumentStore(DatabasePath, new OutboxSignal(), _owner);
        Assert.NotNull(await reopened.FindAsync(Vials, "queued"));
        Assert.Null(await reopened.FindAsync(Vials, "late"));
    }

    [Fact]
    public async Task The_writer_thread_ends_when_idle_and_starts_again_with_the_next_write()
    {
        var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal(), _owner);
        await store.CommitAsync(new ChangeSet().Insert(Vials, "one", new Vial("L-1", "astana", 1)));
        await WaitUntilAsync(() => !store.File.Writer.IsRunning);

        await store.CommitAsync(new ChangeSet().Insert(Vials, "two", new Vial("L-2", "astana", 2)));
        Assert.Equal(2, (await store.QueryAllAsync(Vials, DocumentQuery.All)).Count);
        await WaitUntilAsync(() => !store.File.Writer.IsRunning);
    }

    private Task<IAsyncDisposable> HoldWriteLockAsync() => SqliteWriteLock.HoldAsync(DatabasePath);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Patience, "The writer never reached the expected state");
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        _folder.Dispose();
    }

    /// <summary>The writer's group-size histogram for one file, as an exporter would see it.</summary>
    internal sealed class GroupSizes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _jobs;
        private long _transactions;

        /// <param name="measured">Called after each of the file's measurements is counted (a test's exporter may throw).</param>
        public GroupSizes(string owner, Action? measured = null)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SqliteWriterTelemetry.Name && instrument.Name == SqliteWriterTelemetry.GroupSizeName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, size, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "db.namespace" && Equals(tag.Value, owner))
                    {
                        Interlocked.Add(ref _jobs, size);
                        Interlocked.Increment(ref _transactions);
                        measured?.Invoke();
                    }
                }
            });
            _listener.Start();
        }

        public long Jobs => Interlocked.Read(ref _jobs);

        public long Transactions => Interlocked.Read(ref _transactions);

        public void Dispose() => _listener.Dispose();
    }
}
