using CarTConsortium.Approvals.UseCases.Authorisations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Approvals.Jobs;

/// <summary>
/// Expires approved authorisations whose expires_on has passed (<see cref="ExpireDueAuthorisations"/>):
/// once at start, then every <see cref="ApprovalsOptions.ExpiryCheckInterval"/> on the app's clock (tests move it).
/// </summary>
public sealed partial class AuthorisationExpiryJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ApprovalsOptions> options,
    ILogger<AuthorisationExpiryJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpiryCheckInterval, clock);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <returns>How many authorisations expired.</returns>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var expired = await scope.ServiceProvider.GetRequiredService<ExpireDueAuthorisations>().ExecuteAsync(ct);
            if (expired > 0)
            {
                LogExpired(expired);
            }
            return expired;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The next tick tries again; the job must not stop the app.
            LogFailed(e);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} authorisation(s) whose expiry has passed")]
    private partial void LogExpired(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The authorisation expiry check failed; it runs again at the next interval")]
    private partial void LogFailed(Exception error);
}
