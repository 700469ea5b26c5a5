using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.ServiceDefaults.Operations;

/// <summary>
/// After a broker lost messages: every event published at or after a time goes out again, in commit order.
/// Subscribers' inboxes absorb what they had handled. The relay is woken in this replica; if another replica
/// holds the relay's lease, the wake-up reaches it through the lease (or its poll does).
/// </summary>
public sealed class RepublishSince(IOutboxOperations outbox, IOptions<EventRetentionOptions> retention, TimeProvider clock)
{
    /// <param name="since">Null when the request left it out.</param>
    public async Task<int> ExecuteAsync(DateTimeOffset? since, CancellationToken ct)
    {
        // Subscribers prune their inbox marks after the retention: an older event sent again would find no
        // mark and be applied twice, so the window ends there.
        var earliest = clock.GetUtcNow() - retention.Value.Retention;
        new Validator()
            .Check(since is not null, "since", "is required: events published at or after it are published again")
            .Check(since is null || since >= earliest, "since",
                $"must be within {EventRetentionOptions.Section}:{nameof(EventRetentionOptions.Retention)} ({retention.Value.Retention}): subscribers no longer remember older events and would apply them twice")
            .ThrowIfInvalid();
        return await outbox.RepublishSinceAsync(since!.Value, ct);
    }
}
