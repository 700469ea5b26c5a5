using CarTConsortium.Approvals.UseCases.Authorisations;
using CarTConsortium.ServiceDefaults.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Approvals.Jobs;

/// <summary>
/// Expires approved authorisations whose expires_on has passed (<see cref="ExpireDueAuthorisations"/>):
/// once at start, then every <see cref="ApprovalsOptions.ExpiryCheckInterval"/> on the app's clock (tests move it).
/// A round reports how many expired.
/// </summary>
public sealed partial class AuthorisationExpiryJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ApprovalsOptions> options,
    ILogger<AuthorisationExpiryJob> logger) : ScheduledJob<int>(scopes, clock, logger)
{
    protected override TimeSpan Interval => options.Value.ExpiryCheckInterval;

    protected override async Task<int> RunRoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var expired = await services.GetRequiredService<ExpireDueAuthorisations>().ExecuteAsync(ct);
        if (expired > 0)
        {
            LogExpired(expired);
        }
        return expired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} authorisation(s) whose expiry has passed")]
    private partial void LogExpired(int count);
}
