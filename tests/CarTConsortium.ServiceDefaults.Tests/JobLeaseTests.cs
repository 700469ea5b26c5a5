using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.ServiceDefaults.Jobs;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.ServiceDefaults.Tests;

/// <summary>The services a job needs, as an app with a SQLite store has them.</summary>
internal static class JobServices
{
    public static ServiceProvider On(string databasePath, TimeProvider clock) => On(databasePath, clock, store => store);

    /// <summary>The same, with the app's lease store seen through <paramref name="watch"/> (e.g. to know when a renewal landed).</summary>
    public static ServiceProvider On(string databasePath, TimeProvider clock, Func<ILeaseStore, ILeaseStore> watch)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(clock)
            .AddSqliteStorage(databasePath);
        var stored = services.Last(d => d.ServiceType == typeof(ILeaseStore));
        services.Remove(stored);
        services.AddSingleton<ILeaseStore>(sp => watch((ILeaseStore)stored.ImplementationFactory!(sp)));
        return services.BuildServiceProvider();
    }
}

/// <summary>
/// One job in two replicas of an app (two containers on one SQLite file, each with its own holder id):
/// one runs the rounds, the other takes over when it stops, and a wake-up on the other reaches it.
/// </summary>
public sealed class JobLeaseTests : IAsyncDisposable
{
    // Far longer than any test: a round that runs comes from the start, a wake-up or a takeover.
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly TemporaryFolder _folder = new("cartc-job-lease-");
    private readonly List<ServiceProvider> _apps = [];

    [Fact]
    public async Task Only_the_replica_holding_the_lease_runs_rounds_and_the_other_takes_over_when_it_stops()
    {
        var first = Replica();
        await first.StartAsync(TestContext.Current.CancellationToken);
        await first.RoundsReached(1);
        var second = Replica();
        await second.StartAsync(TestContext.Current.CancellationToken);

        // Three renewals, a second of the app's clock at a time: the holder stops its work when a renewal has not
        // succeeded 10 s after it was sent, so the clock must not outrun the renewals.
        for (var i = 0; i < 15; i++)
        {
            _clock.Advance(RenewEvery / 5);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.Equal(0, second.Rounds);

        // A graceful stop releases the lease; the other replica takes it at its next try and runs a round at once.
        await first.StopAsync(CancellationToken.None);
        await AdvanceUntil(() => second.Rounds >= 1);
        Assert.Equal(1, first.Rounds);
        await second.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_wake_up_on_the_replica_without_the_lease_reaches_the_holder_at_its_next_renewal()
    {
        var holder = Replica();
        await holder.StartAsync(TestContext.Current.CancellationToken);
        await holder.RoundsReached(1);
        var other = Replica();
        await other.StartAsync(TestContext.Current.CancellationToken);
        _clock.Advance(RenewEvery);
        await Task.Delay(50, TestContext.Current.CancellationToken);

        other.Nudge.Notify();

        // The request is on the lease record; the holder sees it when it renews (every 5 s of the app's clock).
        await AdvanceUntil(() => holder.Rounds >= 2);
        Assert.Equal(0, other.Rounds);
        await other.StopAsync(CancellationToken.None);
        await holder.StopAsync(CancellationToken.None);
    }

    private async Task AdvanceUntil(Func<bool> condition)
    {
        for (var i = 0; i < 40 && !condition(); i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.True(condition(), "did not happen within 40 s of the app's clock");
    }

    private CountingJob Replica()
    {
        var app = JobServices.On(Path.Combine(_folder, "app.db"), _clock);
        _apps.Add(app);
        return new CountingJob(app.GetRequiredService<IServiceScopeFactory>(), _clock);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
        _folder.Dispose();
    }

    private sealed class Wake : WakeUpSignal;

    private sealed class CountingJob(IServiceScopeFactory scopes, TimeProvider clock) : ScheduledJob<int>(scopes, clock, NullLogger.Instance)
    {
        private int _rounds;

        public int Rounds => Volatile.Read(ref _rounds);
        public Wake Nudge { get; } = new();

        protected override TimeSpan Interval => JobLeaseTests.Interval;
        protected override WakeUpSignal WakeUp => Nudge;
        protected override string LeaseName => "counting-job";

        protected override Task<int> RunRoundAsync(IServiceProvider services, CancellationToken ct) => Task.FromResult(Interlocked.Increment(ref _rounds));

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
