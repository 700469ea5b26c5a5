using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.ServiceDefaults.Jobs;

/// <summary>
/// Prunes, once an hour under its lease, what the eventing keeps past <see cref="EventRetentionOptions.Retention"/>:
/// published outbox events and inbox marks in the service's store, and delivered messages of a transport
/// that keeps them (the embedded bus; every app of the standalone process prunes the shared bus, which is
/// idempotent), and idempotency-key records past <see cref="EventRetentionOptions.IdempotencyKeyRetention"/>.
/// Pending and parked events and unsettled deliveries are never pruned.
/// </summary>
public sealed partial class EventPruningJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<EventRetentionOptions> options,
    ILogger<EventPruningJob> logger) : ScheduledJob<PrunedEvents?>(scopes, clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    protected override string LeaseName => "event-pruning";

    protected override async Task<PrunedEvents?> RunRoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var before = Clock.GetUtcNow() - options.Value.Retention;
        var pruned = await services.GetRequiredService<IEventRetention>().PruneAsync(before, ct);
        var messages = 0;
        foreach (var transport in services.GetServices<ITransportRetention>())
        {
            messages += await transport.PruneDeliveredAsync(before, ct);
        }
        if (pruned.OutboxMessages + pruned.InboxMarks + messages > 0)
        {
            LogPruned(pruned.OutboxMessages, pruned.InboxMarks, messages, before);
        }
        var keysBefore = Clock.GetUtcNow() - options.Value.IdempotencyKeyRetention;
        if (services.GetService<IIdempotencyKeyRetention>() is { } keys && await keys.PruneIdempotencyKeysAsync(keysBefore, ct) is > 0 and var prunedKeys)
        {
            LogPrunedKeys(prunedKeys, keysBefore);
        }
        return pruned;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Outbox} published outbox event(s), {Inbox} inbox mark(s) and {Bus} delivered bus message(s) from before {Before:O}")]
    private partial void LogPruned(int outbox, int inbox, int bus, DateTimeOffset before);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Keys} idempotency-key record(s) made before {Before:O}")]
    private partial void LogPrunedKeys(int keys, DateTimeOffset before);
}
