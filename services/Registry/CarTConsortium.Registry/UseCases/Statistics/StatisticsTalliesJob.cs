using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;
using CarTConsortium.ServiceDefaults.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <summary>
/// Builds the tallies in the background, under its lease, whenever they are not built: at start (a registry
/// upgraded to maintained statistics, or whose state an operator deleted to force a rebuild) and every
/// <see cref="CheckInterval"/> (a write found them drifted). Until then statistics requests are refused, to be
/// retried (<see cref="GetStatistics"/>), and the registry starts without waiting for a scan of every record.
/// </summary>
public sealed partial class StatisticsTalliesJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<StatisticsTalliesJob> logger)
    : ScheduledJob<bool>(scopes, clock, logger)
{
    /// <summary>A round while they are built reads one document; short, so drifted statistics are back within minutes.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => CheckInterval;

    protected override string LeaseName => "statistics-tallies";

    /// <returns>True when this round built them.</returns>
    protected override async Task<bool> RunRoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var state = await services.GetRequiredService<IDocumentStore>().FindAsync(RegistryCollections.TallyStates, TallyState.Id, ct);
        if (state is { Value.Built: true })
        {
            return false;
        }
        if (state is { Value.Drifted: true })
        {
            LogDrifted();
        }
        var built = await services.GetRequiredService<BuildStatisticsTallies>().ExecuteAsync(ct);
        if (built)
        {
            LogBuilt();
        }
        return built;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The statistics tallies drifted from the patient records (a write found its old case missing); rebuilding them from the records")]
    private partial void LogDrifted();

    [LoggerMessage(Level = LogLevel.Information, Message = "Built the statistics tallies from the patient records")]
    private partial void LogBuilt();
}
