using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Hosting;

namespace CarTConsortium.Slots.Storage;

/// <summary>
/// The keys allocation and housekeeping read by on every attempt and every round (bookable runs by start month, held
/// bookings by due day, the bookings holding places, a site's requests by month), indexed at start, before the first request, in either store.
/// </summary>
public sealed class SlotsKeyIndexes(IKeyIndexes indexes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await indexes.EnsureKeyIndexAsync(SlotsCollections.Runs, IndexKeys.BookableMonth, cancellationToken);
        await indexes.EnsureKeyIndexAsync(SlotsCollections.Runs, IndexKeys.BookableFar, cancellationToken);
        await indexes.EnsureKeyIndexAsync(SlotsCollections.Bookings, IndexKeys.HeldDue, cancellationToken);
        await indexes.EnsureKeyIndexAsync(SlotsCollections.Bookings, IndexKeys.ActiveCapacity, cancellationToken);
        await indexes.EnsureKeyIndexAsync(SlotsCollections.Bookings, IndexKeys.ActiveProductCountry, cancellationToken);
        await indexes.EnsureKeyIndexAsync(SlotsCollections.AllocationDecisions, IndexKeys.SiteRequestPeriod, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
