using CarTConsortium.Slots.UseCases.Waitlist;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.Jobs;

/// <summary>
/// The platform's own work on bookings: lets lapsed holds go and offers freed places to the
/// waitlist, at start, every <see cref="SlotsOptions.HousekeepingInterval"/> on the app's
/// clock (tests move it), and at once when a use case says places were freed. Safe with
/// several replicas: every change commits against the ledger and is retried or skipped.
/// </summary>
public sealed partial class BookingHousekeeping(IServiceScopeFactory scopes, TimeProvider clock, IOptions<SlotsOptions> options,
    PlacesFreed placesFreed, ILogger<BookingHousekeeping> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HousekeepingInterval, clock);
        Task<bool>? tick = null;
        Task<bool>? wake = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken);
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                wake ??= placesFreed.WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken);
                var woke = await Task.WhenAny(tick, wake);
                await woke;
                if (woke == tick)
                {
                    tick = null;
                }
                else
                {
                    wake = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <returns>The holds that lapsed and the offers made.</returns>
    public async Task<(int Lapsed, int Offered)> RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var lapsed = await scope.ServiceProvider.GetRequiredService<LapseDueHolds>().ExecuteAsync(ct);
            var offered = await scope.ServiceProvider.GetRequiredService<OfferFreedPlaces>().ExecuteAsync(ct);
            if (lapsed + offered > 0)
            {
                LogDone(lapsed, offered);
            }
            return (lapsed, offered);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The next tick tries again; the job must not stop the app.
            LogFailed(e);
            return (0, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Lapsed} hold(s) lapsed; {Offered} run(s) offered from the waitlist")]
    private partial void LogDone(int lapsed, int offered);

    [LoggerMessage(Level = LogLevel.Error, Message = "Booking housekeeping failed; it runs again at the next interval")]
    private partial void LogFailed(Exception error);
}
