using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// The one writer of a SQLite file in this process. Microsoft.Data.Sqlite's async calls are synchronous and it waits
/// for the file's lock by sleeping, so writers on pool threads starved the pool under load. Here callers only queue a
/// job and await it; a dedicated thread takes every job waiting (up to <see cref="MaxGroup"/>), runs them in order in
/// ONE transaction, each inside its own savepoint, and commits them together: one fsync for the group (group commit).
/// A job that throws is rolled back to its savepoint and only its caller sees the exception; an error after which
/// SQLite rolls back the whole transaction fails the whole group with that error. No exception ends the thread.
/// </summary>
/// <remarks>
/// The thread starts with the first job and ends after <see cref="IdleExit"/> without work, so a file nobody
/// disposes leaves no thread behind. The queue is a plain queue under a monitor: waking the writer never needs
/// a pool thread, which is exactly what is short when this matters.
/// </remarks>
public sealed class SqliteWriter : IDisposable, IAsyncDisposable
{
    /// <summary>At most this many jobs share one transaction, so one commit never holds callers for long.</summary>
    public const int MaxGroup = 256;

    /// <summary>After this many jobs the writer lets SQLite refresh its planner statistics (see <see cref="Optimize"/>).</summary>
    public const int OptimizeEvery = 10_000;

    private static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(2);

    private readonly Func<SqliteConnection> _open;
    private readonly string _owner;
    private readonly Queue<Job> _queue = new();
    private readonly object _gate = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly KeyValuePair<string, object?> _fileTag;
    private Thread? _thread;
    private bool _closed;
    private long _transactions;
    private long _jobs;
    private long _optimizedAt;

    /// <param name="open">Opens a connection to the file (the writer's own, taken for each group).</param>
    /// <param name="owner">Who the file belongs to: the metrics' <c>db.namespace</c> tag and the thread's name.</param>
    public SqliteWriter(Func<SqliteConnection> open, string owner)
    {
        _open = open;
        _owner = owner;
        _fileTag = new("db.namespace", owner);
    }

    /// <summary>Write transactions committed (or tried) so far: far fewer than <see cref="Jobs"/> under load.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Jobs run so far.</summary>
    public long Jobs => Interlocked.Read(ref _jobs);

    /// <summary>Jobs queued and not yet taken by the writer.</summary>
    public int QueueLength
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Whether the writer thread is alive now (it ends when idle and when disposed).</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _thread is not null;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> and completes when the transaction holding it committed. The work runs on the
    /// writer thread, synchronously, inside a transaction already begun (BEGIN IMMEDIATE); it must not commit.
    /// Cancelled before it starts, the job is dropped; once started it completes (never half a group).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The file was closed.</exception>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(ct);
        }
        var job = new Job<T>(work);
        lock (_gate)
        {
            if (_closed)
            {
                // A faulted task, like a cancelled one: callers that return the task unawaited see it where they await it.
                return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteWriter), $"The {_owner} database is closed (its app is stopping): the write was not made."));
            }
            // Counted and registered before it is queued: the writer may take and complete it as soon as it is in the queue.
            SqliteWriterTelemetry.Queued.Add(1, _fileTag);
            job.DropWhenCancelled(() => SqliteWriterTelemetry.Queued.Add(-1, _fileTag), ct);
            _queue.Enqueue(job);
            if (_thread is null)
            {
                _thread = new Thread(Loop) { IsBackground = true, Name = $"sqlite-writer {_owner}" };
                // Without the first caller's execution context: its trace, culture and async-locals are not the writer's.
                _thread.UnsafeStart();
            }
            else
            {
                Monitor.Pulse(_gate);
            }
        }
        return job.Task;
    }

    public Task WriteAsync(Action<SqliteConnection> work, CancellationToken ct) =>
        WriteAsync(connection => { work(connection); return true; }, ct);

    /// <summary>Refuses new jobs and lets the writer finish those queued on its own thread, without blocking the caller (their callers are answered as usual).</summary>
    public void Dispose() => _ = Close();

    /// <summary>Refuses new jobs, lets the writer finish those queued, and completes when its thread has ended.</summary>
    public ValueTask DisposeAsync() => new(Close());

    public override string ToString() => $"the {_owner} database's writer";

    private Task Close()
    {
        lock (_gate)
        {
            _closed = true;
            if (_thread is null)
            {
                _stopped.TrySetResult();
            }
            Monitor.Pulse(_gate);
        }
        return _stopped.Task;
    }

    private void Loop()
    {
        var group = new List<Job>(MaxGroup);
        while (Take(group))
        {
            try
            {
                if (group.Count > 0)
                {
                    Run(group);
                }
                if (Jobs - _optimizedAt >= OptimizeEvery)
                {
                    _optimizedAt = Jobs;
                    RefreshStatistics();
                }
            }
            catch (Exception e)
            {
                // Last resort: whatever escaped, this thread goes on serving the queue, or every later caller would wait
                // forever. A job already answered keeps its answer (its task completes once).
                foreach (var job in group)
                {
                    job.Fault(e);
                    job.Complete();
                }
            }
            finally
            {
                group.Clear();
            }
        }
    }

    /// <summary>Waits for work and takes what is queued, in order; false when the thread should end (idle or closed).</summary>
    private bool Take(List<Job> group)
    {
        lock (_gate)
        {
            while (_queue.Count == 0)
            {
                // Waiting here blocks this thread only; a job queued meanwhile pulses it awake.
                if (_closed || (!Monitor.Wait(_gate, IdleExit) && _queue.Count == 0))
                {
                    _thread = null;
                    if (_closed)
                    {
                        _stopped.TrySetResult();
                    }
                    return false;
                }
            }
            while (group.Count < MaxGroup && _queue.TryDequeue(out var job))
            {
                if (job.TryStart())
                {
                    SqliteWriterTelemetry.Queued.Add(-1, _fileTag);
                    group.Add(job);
                }
            }
            return true;
        }
    }

    private void Run(List<Job> group)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var connection = _open();
            // Per connection, not per file: every commit of the writer is durable once acknowledged.
            SqliteFile.Execute(connection, "PRAGMA synchronous = FULL");
            // BEGIN IMMEDIATE: a wait for another process's lock happens here, on this thread.
            using var transaction = connection.BeginTransaction(deferred: false);
            RunInSavepoints(group, connection, transaction);
            transaction.Commit();
        }
        catch (Exception e)
        {
            // The group's transaction is gone (or never began): nothing of it is on disk, every caller learns why.
            foreach (var job in group)
            {
                job.Fault(e);
            }
        }
        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _jobs, group.Count);
        try
        {
            SqliteWriterTelemetry.GroupSize.Record(group.Count, _fileTag);
            SqliteWriterTelemetry.CommitTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, _fileTag);
        }
        catch (Exception)
        {
            // A failing metrics listener must not change what the callers learn, nor take the file's writes down.
        }
        // Callers resume only now, after the COMMIT (or the failure) is final.
        foreach (var job in group)
        {
            job.Complete();
        }
    }

    /// <summary>
    /// Runs each job in its own savepoint: a job that throws is rolled back alone. After some errors (SQLITE_FULL,
    /// SQLITE_IOERR, SQLITE_NOMEM, a busy statement, RAISE(ROLLBACK)) SQLite rolls back the whole transaction itself;
    /// then nothing of the group can commit, so this throws that error for the whole group (the jobs already run
    /// included) instead of going on outside any transaction.
    /// </summary>
    private static void RunInSavepoints(List<Job> group, SqliteConnection connection, SqliteTransaction transaction)
    {
        foreach (var job in group)
        {
            transaction.Save("job");
            try
            {
                job.Run(connection);
            }
            catch (Exception e) when (job.Fault(e))
            {
                if (TransactionLost(connection))
                {
                    throw;
                }
                transaction.Rollback("job");
                transaction.Release("job");
                continue;
            }
            if (TransactionLost(connection))
            {
                // The job caught the error itself; the connection still knows what it was.
                throw LastError(connection, "SQLite rolled back the whole write transaction after an error a write handled itself");
            }
            transaction.Release("job");
        }
    }

    /// <summary>Whether the connection is back in autocommit mode: the group's transaction is gone.</summary>
    private static bool TransactionLost(SqliteConnection connection) =>
        connection.State == System.Data.ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0;

    private static SqliteException LastError(SqliteConnection connection, string what)
    {
        var handle = connection.Handle;
        return new SqliteException($"{what}: {SQLitePCL.raw.sqlite3_errmsg(handle).utf8_to_string()}; nothing of the group was committed",
            SQLitePCL.raw.sqlite3_errcode(handle), SQLitePCL.raw.sqlite3_extended_errcode(handle));
    }

    /// <summary>
    /// Gives the query planner statistics where they are missing or stale (a table grew or shrank a lot): without them
    /// SQLite picks among the key indexes blindly, e.g. a whole country's index instead of one small hospital's.
    /// 0x10002 = analyse what may benefit, checking every table; SQLite bounds the work (analysis_limit) itself.
    /// </summary>
    public static void Optimize(SqliteConnection connection) => SqliteFile.Execute(connection, "PRAGMA optimize = 0x10002");

    private void RefreshStatistics()
    {
        try
        {
            using var connection = _open();
            Optimize(connection);
        }
        catch (Exception)
        {
            // Statistics only speed up reads: a refresh that cannot run now (the file busy elsewhere) is tried again later.
        }
    }

    private abstract class Job
    {
        private const int Queued = 0, Started = 1, Cancelled = 2;
        private int _state;

        public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        protected bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;

        public abstract void Run(SqliteConnection connection);

        /// <summary>Records the job's failure (the first one counts); true so that it can sit in an exception filter.</summary>
        public abstract bool Fault(Exception error);

        public abstract void Complete();
    }

    private sealed class Job<T>(Func<SqliteConnection, T> work) : Job
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _cancellation;
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _done.Task;

        public void DropWhenCancelled(Action dropped, CancellationToken ct)
        {
            if (!ct.CanBeCanceled)
            {
                return;
            }
            _cancellation = ct.Register(() =>
            {
                if (TryCancel())
                {
                    dropped();
                    _done.TrySetCanceled(ct);
                }
            });
        }

        public override void Run(SqliteConnection connection) => _result = work(connection);

        public override bool Fault(Exception error)
        {
            _error ??= error;
            return true;
        }

        public override void Complete()
        {
            _cancellation.Dispose();
            if (_error is null)
            {
                _done.TrySetResult(_result!);
            }
            else
            {
                _done.TrySetException(_error);
            }
        }
    }
}

/// <summary>The writers' metrics: how many jobs share a commit, how long commits take, how many jobs wait.</summary>
public static class SqliteWriterTelemetry
{
    public const string Name = "CarTConsortium.Storage";

    /// <summary>
    /// The group-size histogram's name, a constant: a listener told of the instrument while this class is still being
    /// initialised must not read <see cref="GroupSize"/>, which is null until then (the class's initialiser would fail).
    /// </summary>
    public const string GroupSizeName = "consortium.storage.sqlite.write_group_size";

    private static readonly Meter Meter = new(Name);

    public static readonly Histogram<int> GroupSize = Meter.CreateHistogram<int>(GroupSizeName, unit: "{job}",
        description: "Writes committed together in one SQLite transaction (one fsync)");

    public static readonly Histogram<double> CommitTime = Meter.CreateHistogram<double>("consortium.storage.sqlite.write_group_duration", unit: "ms",
        description: "Time from BEGIN IMMEDIATE to COMMIT of one group, lock wait included");

    public static readonly UpDownCounter<long> Queued = Meter.CreateUpDownCounter<long>("consortium.storage.sqlite.write_queue", unit: "{job}",
        description: "Writes waiting for their file's writer");
}
