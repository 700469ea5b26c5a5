using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Leases;

/// <summary>
/// Runs single-replica work (the outbox relay, each background job) only while this instance holds the
/// work's lease in the service's store. Every replica runs the same loop: the holder renews every third
/// of <see cref="LeaseOptions.Duration"/> and works; the others try to take the lease as often, so one
/// takes over at the latest one duration after the holder stopped renewing, or at once when it released
/// the lease at a graceful stop.
/// </summary>
/// <remarks>
/// <para>
/// The holder stops its work by its own deadline (<see cref="LeaseDeadline"/>): <see cref="LeaseOptions.WorkFor"/>
/// (two thirds of the duration) after the last successful take or renewal was sent. A store that hangs or answers
/// late (a network partition) therefore cannot keep the work running past the lease's expiry while another replica
/// takes it over: the work's token fires at the deadline and the hanging call is no longer waited for.
/// </para>
/// <para>
/// Wake-ups cross replicas through the lease record: a replica that does not hold the lease and whose
/// in-process signal fires (a commit saved events, a pool opened) records a wake-up request on it, and
/// the holder sees it at its next renewal and runs a round. A wake-up raised on another replica therefore
/// reaches the holder within <see cref="LeaseOptions.RenewEvery"/> (5 s by default); on the holder itself
/// it is immediate.
/// </para>
/// </remarks>
public sealed class LeasedWork(ILeaseStore store, IOptions<LeaseOptions> options, TimeProvider clock, LeaseHolder holder, ILogger<LeasedWork> logger)
{
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>This instance's holder id.</summary>
    public string Holder => holder.Id;

    /// <summary>
    /// Until <paramref name="stoppingToken"/> fires: takes the lease <paramref name="name"/> when it can and runs
    /// <paramref name="work"/> while holding it. The token handed to the work fires when the lease is lost (a
    /// renewal failed or found another holder), when no renewal succeeded by the holder's deadline, or when the
    /// app stops; the work must then return within <see cref="LeaseOptions.SafetyMargin"/>. At a graceful stop
    /// the lease is released.
    /// </summary>
    /// <param name="wake">The work's in-process wake-up: forwarded to the holder while this instance does not hold the lease; notified when another replica asked for a round.</param>
    public async Task RunWhileHeldAsync(string name, WakeUpSignal? wake, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        while (!stoppingToken.IsCancellationRequested)
        {
            var sentAt = clock.GetTimestamp();
            var grant = await TryAcquireAsync(name, stoppingToken);
            if (grant is null)
            {
                await WaitWithoutLeaseAsync(name, wake, stoppingToken);
                continue;
            }

            LeaseLog.Taken(logger, name, holder.Id, grant.ExpiresAt);
            using var held = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            using var deadline = new LeaseDeadline(clock, options.Value.WorkFor, sentAt, held);
            var keeping = KeepAsync(name, grant, sentAt, deadline, wake, held);
            try
            {
                await work(held.Token);
            }
            catch (OperationCanceledException) when (held.IsCancellationRequested)
            {
                // Lost or stopping: the loop below decides which.
            }
            finally
            {
                await held.CancelAsync();
                await keeping;
            }
        }
        await ReleaseAsync(name);
    }

    private async Task<LeaseGrant?> TryAcquireAsync(string name, CancellationToken ct)
    {
        // The store call gets a token that fires at the deadline too: an abandoned take that kept running could
        // still take the lease for a holder that no longer works under it.
        using var deadline = new CancellationTokenSource(options.Value.WorkFor, clock);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            // A take answered after the holder's deadline would start work already past it: give up waiting then
            // (WaitAsync also covers a store that ignores its token).
            return await store.TryAcquireAsync(name, holder.Id, clock.GetUtcNow(), options.Value.Duration, bounded.Token)
                .WaitAsync(options.Value.WorkFor, clock, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is TimeoutException or OperationCanceledException)
        {
            // Timed out: the take may still have landed; give it back so others need not wait out a whole duration.
            LeaseLog.AcquireFailed(logger, e, name);
            await ReleaseAsync(name);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store is unreachable: nobody can take the lease now, and this instance tries again shortly.
            LeaseLog.AcquireFailed(logger, e, name);
            return null;
        }
    }

    /// <summary>Renews until the lease is lost or the work ends; a lost lease cancels <paramref name="held"/>, so does its deadline.</summary>
    private async Task KeepAsync(string name, LeaseGrant grant, long sentAt, LeaseDeadline deadline, WakeUpSignal? wake, CancellationTokenSource held)
    {
        try
        {
            while (true)
            {
                if (grant.WakeRequested)
                {
                    wake?.Notify();
                }
                // Counted from the last send, so that a slow answer does not push the next renewal towards the deadline.
                var due = options.Value.RenewEvery - clock.GetElapsedTime(sentAt);
                await Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, clock, held.Token);
                sentAt = clock.GetTimestamp();
                // Bounded by the time left: the deadline cancels held, which the store call gets too (an abandoned renewal
                // must not extend the lease after the work stopped), and WaitAsync stops waiting even for a store that ignores its token.
                var renewed = await store.TryAcquireAsync(name, holder.Id, clock.GetUtcNow(), options.Value.Duration, held.Token)
                    .WaitAsync(held.Token);
                if (renewed is null)
                {
                    LeaseLog.Lost(logger, name, holder.Id);
                    await held.CancelAsync();
                    return;
                }
                deadline.Renewed(sentAt);
                grant = renewed;
            }
        }
        catch (OperationCanceledException) when (held.IsCancellationRequested)
        {
            // The work ended, the app stops, or no renewal succeeded in time.
            if (deadline.Passed)
            {
                LeaseLog.DeadlinePassed(logger, name, holder.Id);
            }
        }
        catch (Exception e)
        {
            // Unsure whether the lease still holds: stop working rather than risk two workers; the loop takes it again when it can.
            LeaseLog.RenewFailed(logger, e, name);
            await held.CancelAsync();
        }
    }

    /// <summary>Waits until the next try; a local wake-up meanwhile is recorded on the lease for its holder.</summary>
    private async Task WaitWithoutLeaseAsync(string name, WakeUpSignal? wake, CancellationToken ct)
    {
        var nextTry = Task.Delay(options.Value.RenewEvery, clock, ct);
        if (wake is null)
        {
            await nextTry;
            return;
        }
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var woken = wake.WaitAsync(Timeout.InfiniteTimeSpan, stopWaiting.Token);
        if (await Task.WhenAny(nextTry, woken) == woken && woken.IsCompletedSuccessfully)
        {
            try
            {
                await store.RequestWakeAsync(name, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A lost wake-up costs latency only: the holder works at its own interval too.
                LeaseLog.WakeFailed(logger, e, name);
            }
            // Later wake-ups until the next try count as one.
            await nextTry;
            return;
        }
        await stopWaiting.CancelAsync();
        await ((Task)woken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await nextTry;
    }

    private async Task ReleaseAsync(string name)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ReleaseTimeout);
            await store.ReleaseAsync(name, holder.Id, timeout.Token);
        }
        catch (Exception e)
        {
            // The lease then expires on its own; another replica waits one duration at most.
            LeaseLog.ReleaseFailed(logger, e, name);
        }
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class LeaseLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Took the lease {Lease} as {Holder} (until {ExpiresAt:O}, renewed as it runs)")]
    public static partial void Taken(ILogger logger, string lease, string holder, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease {Lease} ({Holder}): another replica holds it; this one stops that work")]
    public static partial void Lost(ILogger logger, string lease, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No renewal of the lease {Lease} ({Holder}) succeeded before it might expire; this one stopped that work")]
    public static partial void DeadlinePassed(ILogger logger, string lease, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking the lease {Lease} failed; trying again shortly")]
    public static partial void AcquireFailed(ILogger logger, Exception error, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the lease {Lease} failed; its work stops until the lease is taken again")]
    public static partial void RenewFailed(ILogger logger, Exception error, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking the holder of the lease {Lease} for a round failed; it works at its own interval")]
    public static partial void WakeFailed(ILogger logger, Exception error, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the lease {Lease} failed; it expires on its own")]
    public static partial void ReleaseFailed(ILogger logger, Exception error, string lease);
}
