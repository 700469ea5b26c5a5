using CarTConsortium.Procurement.UseCases.Pools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Procurement.Jobs;

/// <summary>
/// Closes each pool at its closing time and settles it: at start, at the next closing time
/// on the app's clock (tests move it), at least every <see cref="ProcurementOptions.ClosingCheckInterval"/>,
/// and at once when a pool opens. Safe with several replicas: a pool's close commits against
/// the pool with optimistic concurrency, and a pool already closed is left alone.
/// </summary>
public sealed partial class PoolClosingJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ProcurementOptions> options,
    PoolsOpened poolsOpened, ILogger<PoolClosingJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task<bool>? opened = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var next = await RunOnceAsync(stoppingToken);
                var untilNext = next is { } closesAt ? closesAt - clock.GetUtcNow() : TimeSpan.MaxValue;
                var sleep = TimeSpan.FromTicks(Math.Clamp(untilNext.Ticks, 0, options.Value.ClosingCheckInterval.Ticks));
                using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var alarm = Task.Delay(sleep, clock, sleeping.Token);
                opened ??= poolsOpened.WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken);
                if (await Task.WhenAny(alarm, opened) == opened)
                {
                    await opened;
                    opened = null;
                }
                await sleeping.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <returns>The next closing time of a pool still open after this run, or null.</returns>
    public async Task<DateTimeOffset?> RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var closed = await scope.ServiceProvider.GetRequiredService<CloseDuePools>().ExecuteAsync(ct);
            if (closed > 0)
            {
                LogClosed(closed);
            }
            return await scope.ServiceProvider.GetRequiredService<NextClosingTime>().ExecuteAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The next wake-up tries again; the job must not stop the app.
            LogFailed(e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed and settled {Count} pool(s) whose closing time had come")]
    private partial void LogClosed(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The pool closing job failed; it runs again at the next interval")]
    private partial void LogFailed(Exception error);
}
