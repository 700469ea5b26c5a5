using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.ServiceDefaults.Jobs;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.ServiceDefaults.Tests;

public sealed class ScheduledJobTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly TemporaryFolder _folder = new("cartc-jobs-");
    private readonly ServiceProvider _services;
    private readonly Nudge _nudge = new();

    public ScheduledJobTests()
    {
        // A job runs its rounds under a lease in the app's store, as every app has one.
        _services = JobServices.On(Path.Combine(_folder, "jobs.db"), _clock, store => _leases = new RenewalWatch(store));
    }

    private RenewalWatch? _leases;

    /// <summary>
    /// Moves the app's clock a lease renewal at a time, and after a step that makes a renewal due waits (in real time)
    /// until that renewal is stored: the job stops its round when no renewal succeeded 10 s after it was sent, so on a
    /// loaded machine a clock moved on before the renewal landed would take the lease away and restart the rounds.
    /// </summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        var watch = _leases ?? throw new InvalidOperationException("the lease store is not watched");
        for (var left = by; left > TimeSpan.Zero; left -= RenewEvery)
        {
            _clock.Advance(left < RenewEvery ? left : RenewEvery);
            var now = _clock.GetUtcNow();
            if (now - watch.LastGrantedAt >= RenewEvery)
            {
                await watch.GrantedAt(now);
            }
            else
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }
    }

    [Fact]
    public async Task Runs_a_round_at_start_and_then_every_interval_on_the_apps_clock()
    {
        await using var job = await StartAsync(new CountingJob(this));

        await job.Job.RoundsReached(1);
        await AdvanceAsync(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(1, job.Job.Rounds);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await job.Job.RoundsReached(2);
        await AdvanceAsync(Interval);
        await job.Job.RoundsReached(3);
    }

    [Fact]
    public async Task Runs_at_once_when_its_wake_up_signal_fires()
    {
        await using var job = await StartAsync(new CountingJob(this));
        await job.Job.RoundsReached(1);

        _nudge.Notify();

        await job.Job.RoundsReached(2);
    }

    [Fact]
    public async Task Runs_at_the_time_a_round_asks_for_when_it_comes_before_the_interval()
    {
        var job = new CountingJob(this) { AskFor = TimeSpan.FromMinutes(3) };
        await using var running = await StartAsync(job);
        await job.RoundsReached(1);

        await AdvanceAsync(TimeSpan.FromMinutes(3));

        await job.RoundsReached(2);
    }

    [Fact]
    public async Task A_failed_round_is_reported_as_the_default_and_the_loop_goes_on()
    {
        var job = new CountingJob(this) { FailRound = 1 };
        await using var running = await StartAsync(job);
        await job.RoundsReached(1);

        await AdvanceAsync(Interval);

        await job.RoundsReached(2);
    }

    [Fact]
    public async Task RunOnceAsync_returns_what_the_round_reports_or_the_default_when_it_fails()
    {
        var job = new CountingJob(this) { FailRound = 2 };

        Assert.Equal(1, await job.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await job.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, await job.RunOnceAsync(TestContext.Current.CancellationToken));
    }

    private async Task<RunningJob> StartAsync(CountingJob job)
    {
        await job.StartAsync(TestContext.Current.CancellationToken);
        return new RunningJob(job);
    }

    public async ValueTask DisposeAsync()
    {
        _nudge.Dispose();
        await _services.DisposeAsync();
        _folder.Dispose();
    }

    private sealed class Nudge : WakeUpSignal;

    /// <summary>The app's lease store, remembering the clock time of the latest grant it returned.</summary>
    private sealed class RenewalWatch(ILeaseStore inner) : ILeaseStore
    {
        private long _lastGrantedTicks = DateTimeOffset.MinValue.UtcTicks;

        public DateTimeOffset LastGrantedAt => new(Interlocked.Read(ref _lastGrantedTicks), TimeSpan.Zero);

        public async Task GrantedAt(DateTimeOffset now)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (LastGrantedAt < now)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no lease renewal at {now:O} within 30 s (last at {LastGrantedAt:O})");
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }
        }

        public async Task<LeaseGrant?> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default)
        {
            var grant = await inner.TryAcquireAsync(name, holder, now, duration, ct);
            if (grant is not null)
            {
                long seen;
                do
                {
                    seen = Interlocked.Read(ref _lastGrantedTicks);
                }
                while (now.UtcTicks > seen && Interlocked.CompareExchange(ref _lastGrantedTicks, now.UtcTicks, seen) != seen);
            }
            return grant;
        }

        public Task ReleaseAsync(string name, string holder, CancellationToken ct = default) => inner.ReleaseAsync(name, holder, ct);

        public Task RequestWakeAsync(string name, CancellationToken ct = default) => inner.RequestWakeAsync(name, ct);
    }

    private sealed record RunningJob(CountingJob Job) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Job.StopAsync(CancellationToken.None);
            Job.Dispose();
        }
    }

    /// <summary>Counts its rounds; may fail one, and may ask for the next round sooner.</summary>
    private sealed class CountingJob(ScheduledJobTests test)
        : ScheduledJob<int>(test._services.GetRequiredService<IServiceScopeFactory>(), test._clock, NullLogger.Instance)
    {
        private int _rounds;

        public int Rounds => Volatile.Read(ref _rounds);
        public int? FailRound { get; init; }
        public TimeSpan? AskFor { get; init; }

        protected override TimeSpan Interval => ScheduledJobTests.Interval;
        protected override WakeUpSignal WakeUp => test._nudge;

        protected override Task<int> RunRoundAsync(IServiceProvider services, CancellationToken ct)
        {
            var round = Interlocked.Increment(ref _rounds);
            return round == FailRound ? throw new InvalidOperationException("round failed") : Task.FromResult(round);
        }

        protected override DateTimeOffset? NextRoundAt(int result) => AskFor is { } ask ? test._clock.GetUtcNow() + ask : null;

        public async Task RoundsReached(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Rounds < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {Rounds} of {count} rounds ran");
                await Task.Delay(10);
            }
        }
    }
}
