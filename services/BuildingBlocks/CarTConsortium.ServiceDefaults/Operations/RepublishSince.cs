using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.ServiceDefaults.Operations;

/// <summary>
/// After a broker lost messages: every event published at or after a time goes out again, in commit order.
/// Subscribers' inboxes absorb what they had handled. The relay is woken in this replica; if another replica
/// holds the relay's lease, the wake-up reaches it through the lease (or its poll does).
/// </summary>
public sealed class RepublishSince(IOutboxOperations outbox)
{
    /// <param name="since">Null when the request left it out.</param>
    public async Task<int> ExecuteAsync(DateTimeOffset? since, CancellationToken ct)
    {
        new Validator().Check(since is not null, "since", "is required: events published at or after it are published again").ThrowIfInvalid();
        return await outbox.RepublishSinceAsync(since!.Value, ct);
    }
}
