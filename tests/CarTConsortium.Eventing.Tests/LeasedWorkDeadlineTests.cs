using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>
/// The holder's deadline on a fake clock: a holder whose renewals hang (a network partition to its store) stops
/// its work two thirds of a duration after its last successful send, before another replica can take the lease;
/// renewals that are slow but answer in time keep the work.
/// </summary>
public sealed class LeasedWorkDeadlineTests : IAsyncDisposable
{
    private const string Lease = "job";
    // Renewed every 5 s; the work may run until 10 s after the last successful send.
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WorkFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly CountingClock _clock = new(T0);
    private readonly TemporaryFolder _folder = new("cartc-lease-deadline-");
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Worker> _workers = [];

    [Fact]
    public async Task A_holder_whose_renewal_hangs_stops_by_its_deadline_and_another_takes_over_only_after_the_lease_expired()
    {
        // Its store answers with an expiry an hour later than the lease's (a clock ahead): the holder must not believe it.
        var toA = new StallingLeaseStore(Store()) { AnswerSkew = TimeSpan.FromHours(1) };
        var a = Start(toA);
        await Until(() => a.StartedAt is not null, "a took the lease and works");
        // From now on a's calls hang for good, whatever their token says.
        toA.Stall = () => new TaskCompletionSource().Task;
        var toB = new StallingLeaseStore(Store());
        var b = Start(toB);

        _clock.Advance(RenewEvery);
        await Until(() => toA.Entered == 2, "a sent its renewal");
        _clock.Advance(WorkFor - RenewEvery - Tick);
        Assert.Null(a.StoppedAt);
        _clock.Advance(Tick);

        // Ten seconds after the take was sent, not the answer's hour.
        Assert.Equal(T0 + WorkFor, a.StoppedAt);
        for (var i = 0; i < 40 && b.StartedAt is null; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.NotNull(b.StartedAt);
        // The take at T0 was the last call of a's that reached the store: b got the lease once that expired, after a stopped.
        Assert.True(toB.FirstGrantAt >= T0 + Duration, $"b took the lease at {toB.FirstGrantAt:O}, before it expired");
        Assert.True(a.StoppedAt < toB.FirstGrantAt);
        Assert.Equal(1, a.Runs);
    }

    [Fact]
    public async Task Renewals_slow_but_answered_within_the_deadline_keep_the_work_and_the_deadline_counts_from_the_last_send()
    {
        // Each answer takes 4 of the 5 s left before the deadline.
        var slow = TimeSpan.FromSeconds(4);
        var toA = new StallingLeaseStore(Store());
        var a = Start(toA);
        // Its first renewal was scheduled before the work was called.
        await Until(() => a.StartedAt is not null, "a took the lease and works");

        var lastSent = T0;
        for (var i = 1; i <= 6; i++)
        {
            var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            toA.Stall = () => answer.Task;
            _clock.Advance(i == 1 ? RenewEvery : RenewEvery - slow);
            await Until(() => toA.Entered == i + 1, $"renewal {i} was sent");
            lastSent = _clock.GetUtcNow();
            var timers = _clock.TimersCreated;
            _clock.Advance(slow);
            Assert.Null(a.StoppedAt);
            answer.SetResult();
            await Until(() => _clock.TimersCreated > timers, $"a took renewal {i}'s answer and scheduled the next");
        }
        Assert.Null(await Store().TryAcquireAsync(Lease, "another", _clock.GetUtcNow(), Duration, TestContext.Current.CancellationToken));

        // The next renewal hangs: the work stops 10 s after the last successful send, not after its answer.
        toA.Stall = () => new TaskCompletionSource().Task;
        _clock.Advance(RenewEvery - slow);
        await Until(() => toA.Entered == 8, "renewal 7 was sent");
        _clock.Advance(WorkFor - RenewEvery - Tick);
        Assert.Null(a.StoppedAt);
        _clock.Advance(Tick);
        Assert.Equal(lastSent + WorkFor, a.StoppedAt);
        Assert.Equal(1, a.Runs);
    }

    [Fact]
    public async Task A_take_whose_answer_is_lost_is_cancelled_at_the_deadline_and_given_back()
    {
        var toA = new StallingLeaseStore(Store()) { LoseAnswer = true };
        var a = Start(toA);
        // The take's deadline and the wait for its answer: two timers once the take is under way.
        await Until(() => _clock.TimersCreated >= 2, "a sent its take and waits for the answer");

        _clock.Advance(WorkFor);

        await Until(() => toA.LastToken.IsCancellationRequested, "the take's token fired at the deadline");
        // a gave back what its lost take held: another replica takes the lease now, not once it expired.
        await Eventually.HoldsAsync(async () => await Store().TryAcquireAsync(Lease, "another", _clock.GetUtcNow(), Duration,
            TestContext.Current.CancellationToken) is not null, "another replica took the lease before it expired");
        Assert.True(_clock.GetUtcNow() < T0 + Duration);
        Assert.Null(a.StartedAt);
    }

    private SqliteDocumentStore Store() => new(Path.Combine(_folder, "app.db"), new OutboxSignal());

    private Worker Start(ILeaseStore store)
    {
        var worker = new Worker(_clock);
        worker.Running = TestLeases.On(store, Duration, _clock).RunWhileHeldAsync(Lease, null, worker.WorkAsync, _stop.Token);
        _workers.Add(worker);
        return worker;
    }

    private static Task Until(Func<bool> condition, string what) => Eventually.HoldsAsync(() => Task.FromResult(condition()), what);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // A worker stopped while its take hangs ends with the cancellation; that is its way out.
        await Task.WhenAll(_workers.Select(w => w.Running)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        _folder.Dispose();
    }

    /// <summary>Work that runs until its token fires and notes when, on the app's clock, it started and was told to stop.</summary>
    private sealed class Worker(TimeProvider clock)
    {
        private readonly Lock _gate = new();
        private int _runs;

        public Task Running { get; set; } = Task.CompletedTask;
        public int Runs => Volatile.Read(ref _runs);
        public DateTimeOffset? StartedAt { get { lock (_gate) { return field; } } private set { lock (_gate) { field = value; } } }
        public DateTimeOffset? StoppedAt { get { lock (_gate) { return field; } } private set { lock (_gate) { field = value; } } }

        public async Task WorkAsync(CancellationToken held)
        {
            Interlocked.Increment(ref _runs);
            StartedAt ??= clock.GetUtcNow();
            // Runs inside the Advance that passes the deadline, so it notes the deadline's own time.
            await using var stopped = held.Register(() => StoppedAt ??= clock.GetUtcNow());
            await Task.Delay(Timeout.Infinite, held).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// One replica's way to the store: when <see cref="Stall"/> is set, a take or renewal first waits for it and
    /// ignores its token meanwhile, as a call lost in a partition may. Notes the first grant's time.
    /// </summary>
    private sealed class StallingLeaseStore(ILeaseStore store) : ILeaseStore
    {
        private int _entered;

        public Func<Task>? Stall { get; set; }
        public TimeSpan AnswerSkew { get; init; }
        /// <summary>The call reaches the store, but its answer never comes back, whatever its token says.</summary>
        public bool LoseAnswer { get; init; }
        public CancellationToken LastToken { get; private set; }
        public int Entered => Volatile.Read(ref _entered);
        public DateTimeOffset? FirstGrantAt { get; private set; }

        public async Task<LeaseGrant?> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default)
        {
            Interlocked.Increment(ref _entered);
            LastToken = ct;
            if (Stall is { } stall)
            {
                await stall();
            }
            var grant = await store.TryAcquireAsync(name, holder, now, duration, CancellationToken.None);
            if (LoseAnswer)
            {
                await new TaskCompletionSource().Task;
            }
            if (grant is not null)
            {
                FirstGrantAt ??= now;
            }
            return grant is null ? null : grant with { ExpiresAt = grant.ExpiresAt + AnswerSkew };
        }

        public Task ReleaseAsync(string name, string holder, CancellationToken ct = default) => store.ReleaseAsync(name, holder, ct);

        public Task RequestWakeAsync(string name, CancellationToken ct = default) => store.RequestWakeAsync(name, ct);
    }

    /// <summary>A fake clock that counts the timers made on it, so a test knows when the holder has scheduled its next renewal.</summary>
    private sealed class CountingClock(DateTimeOffset start) : TimeProvider
    {
        private readonly FakeTimeProvider _fake = new(start);
        private int _timers;

        public int TimersCreated => Volatile.Read(ref _timers);
        public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;
        public override long TimestampFrequency => _fake.TimestampFrequency;

        public void Advance(TimeSpan by) => _fake.Advance(by);

        public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

        public override long GetTimestamp() => _fake.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return _fake.CreateTimer(callback, state, dueTime, period);
        }
    }
}
