using CarTConsortium.BuildingBlocks.Leases;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.ServiceDefaults.Jobs;

/// <summary>
/// The one loop every background job runs: a round at start, then a round every
/// <see cref="Interval"/> on the app's clock (tests move it), at once when the job's
/// <see cref="WakeUp"/> signal fires, and at the time a round asks for (e.g. the next pool's
/// closing time). Each round runs in a scope of its own. A failed round is logged and tried
/// again at the next wake; it never stops the app. A derived job says only what one round does.
/// With several replicas only the one holding the job's lease in the store runs rounds (<see cref="LeasedWork"/>).
/// </summary>
/// <typeparam name="TResult">What a round reports (tests call <see cref="RunOnceAsync"/> and read it).</typeparam>
public abstract class ScheduledJob<TResult>(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The app's clock, which the loop runs on.</summary>
    protected TimeProvider Clock => clock;

    /// <summary>The longest time between two rounds.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>An in-process nudge that starts a round now (a place was freed, a pool opened); none by default.</summary>
    protected virtual WakeUpSignal? WakeUp => null;

    /// <summary>One round, with services from its own scope.</summary>
    protected abstract Task<TResult> RunRoundAsync(IServiceProvider services, CancellationToken ct);

    /// <summary>When the next round is due sooner than the interval, by what this round found; null: at the interval.</summary>
    protected virtual DateTimeOffset? NextRoundAt(TResult result) => null;

    /// <summary>Runs one round now; a failure is logged and reported as the default result.</summary>
    public async Task<TResult?> RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await RunRoundAsync(scope.ServiceProvider, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The next wake-up tries again; a job must not stop the app.
            JobLog.RoundFailed(logger, GetType().Name, e);
            return default;
        }
    }

    /// <summary>The lease in the service's store that the replica running this job holds; by default the job's type name.</summary>
    protected virtual string LeaseName => GetType().Name;

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here rather than taken in the constructor, so that every job keeps its constructor.
        LeasedWork leases;
        await using (var scope = scopes.CreateAsyncScope())
        {
            leases = scope.ServiceProvider.GetRequiredService<LeasedWork>();
        }
        try
        {
            // One replica runs the rounds; the others wait to take over and pass their wake-ups on.
            await leases.RunWhileHeldAsync(LeaseName, WakeUp, RoundsAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The rounds while this replica holds the job's lease; <paramref name="held"/> fires when it is lost or the app stops.</summary>
    private async Task RoundsAsync(CancellationToken held)
    {
        // The timer ticks on the app's clock from the start, so a tick that falls while a round runs is not lost.
        using var timer = new PeriodicTimer(Interval, clock);
        Task<bool>? tick = null;
        Task<bool>? wake = null;
        try
        {
            while (!held.IsCancellationRequested)
            {
                var result = await RunOnceAsync(held);
                tick ??= timer.WaitForNextTickAsync(held).AsTask();
                wake ??= WakeUp?.WaitAsync(Timeout.InfiniteTimeSpan, held);
                using var alarmOff = CancellationTokenSource.CreateLinkedTokenSource(held);
                var alarm = result is not null && NextRoundAt(result) is { } due
                    ? Task.Delay(Max(TimeSpan.Zero, due - clock.GetUtcNow()), clock, alarmOff.Token)
                    : null;

                Task[] waits = [tick, .. wake is null ? Array.Empty<Task>() : [wake], .. alarm is null ? Array.Empty<Task>() : [alarm]];
                var woke = await Task.WhenAny(waits);
                await alarmOff.CancelAsync();
                await woke;
                if (woke == tick)
                {
                    tick = null;
                }
                else if (woke == wake)
                {
                    wake = null;
                }
            }
        }
        catch (OperationCanceledException) when (held.IsCancellationRequested)
        {
            // The lease was lost or the app stops.
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

internal static partial class JobLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "A round of {Job} failed; it runs again at the next wake-up")]
    public static partial void RoundFailed(ILogger logger, string job, Exception error);
}
