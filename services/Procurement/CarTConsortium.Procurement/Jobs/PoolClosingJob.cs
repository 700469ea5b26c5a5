using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.ServiceDefaults.Jobs;
using Microsoft.Extensions.DependencyInjection;
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
    PoolsOpened poolsOpened, ILogger<PoolClosingJob> logger) : ScheduledJob<DateTimeOffset?>(scopes, clock, logger)
{
    protected override TimeSpan Interval => options.Value.ClosingCheckInterval;

    protected override WakeUpSignal WakeUp => poolsOpened;

    /// <returns>The next closing time of a pool still open after this round, or null.</returns>
    protected override async Task<DateTimeOffset?> RunRoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var closed = await services.GetRequiredService<CloseDuePools>().ExecuteAsync(ct);
        if (closed > 0)
        {
            LogClosed(closed);
        }
        return await services.GetRequiredService<NextClosingTime>().ExecuteAsync(ct);
    }

    protected override DateTimeOffset? NextRoundAt(DateTimeOffset? result) => result;

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed and settled {Count} pool(s) whose closing time had come")]
    private partial void LogClosed(int count);
}
