using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.ServiceDefaults.Jobs;
using CarTConsortium.Slots.UseCases.Waitlist;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.Jobs;

/// <summary>
/// The platform's own work on bookings: lets lapsed holds go (<see cref="LapseDueHolds"/>), closes waiting entries whose
/// window has passed (<see cref="LapsePassedWindows"/>) and
/// offers freed places to the waitlist (<see cref="OfferFreedPlaces"/>), at start, every
/// <see cref="SlotsOptions.HousekeepingInterval"/> on the app's clock (tests move it), and at
/// once when a use case says places were freed (<see cref="PlacesFreed"/>). Safe with several
/// replicas: every change commits against the ledger and is retried or skipped.
/// </summary>
public sealed partial class BookingHousekeeping(IServiceScopeFactory scopes, TimeProvider clock, IOptions<SlotsOptions> options,
    PlacesFreed placesFreed, ILogger<BookingHousekeeping> logger) : ScheduledJob<(int Lapsed, int Offered)>(scopes, clock, logger)
{
    protected override TimeSpan Interval => options.Value.HousekeepingInterval;

    protected override WakeUpSignal WakeUp => placesFreed;

    /// <returns>The holds that lapsed and the offers made.</returns>
    protected override async Task<(int Lapsed, int Offered)> RunRoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var lapsed = await services.GetRequiredService<LapseDueHolds>().ExecuteAsync(ct);
        // Entries whose window has passed leave the line before the freed places are offered.
        var closed = await services.GetRequiredService<LapsePassedWindows>().ExecuteAsync(ct);
        if (closed > 0)
        {
            LogWindowsPassed(closed);
        }
        var offered = await services.GetRequiredService<OfferFreedPlaces>().ExecuteAsync(ct);
        if (lapsed + offered > 0)
        {
            LogDone(lapsed, offered);
        }
        return (lapsed, offered);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Lapsed} hold(s) lapsed; {Offered} run(s) offered from the waitlist")]
    private partial void LogDone(int lapsed, int offered);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Closed} waitlist entry(ies) closed: their window passed")]
    private partial void LogWindowsPassed(int closed);
}
