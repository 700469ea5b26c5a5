namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// Named leases in the service's own store: the one replica that holds a lease does the work it
/// guards (the outbox relay, a background job). Every call is atomic in the store, so two
/// replicas never both get a lease that has not expired.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease for <paramref name="holder"/> until now + <paramref name="duration"/> when
    /// <see cref="LeaseRule.MayTake"/> allows it at now (free, expired, or already this holder's: a renewal),
    /// and clears a wake-up requested since the last call.
    /// </summary>
    /// <param name="now">
    /// The caller's clock. A store that one machine serves (SQLite) judges by it; a store that replicas on several
    /// machines share (MongoDB) ignores it and judges by its server's clock, so that skew between the replicas'
    /// clocks cannot give two holders. Either way "now" is no earlier than when the caller sent the call, which
    /// is what lets the holder count its own deadline from the send.
    /// </param>
    /// <returns>The grant (<see cref="LeaseGrant.ExpiresAt"/> on the clock that judged), or null when another holder has it.</returns>
    Task<LeaseGrant?> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default);

    /// <summary>Gives the lease up at once if <paramref name="holder"/> has it, so another replica need not wait for its expiry.</summary>
    Task ReleaseAsync(string name, string holder, CancellationToken ct = default);

    /// <summary>Asks whoever holds the lease to run its work now; the holder sees it at its next renewal.</summary>
    Task RequestWakeAsync(string name, CancellationToken ct = default);
}

/// <param name="ExpiresAt">
/// Until when the store counts the lease as held, on the clock that judged it (see <see cref="ILeaseStore.TryAcquireAsync"/>):
/// for the record and the log; the holder stops its work by its own earlier deadline (LeasedWork), not by this.
/// </param>
/// <param name="WakeRequested">Another replica asked for a round since the holder last renewed.</param>
public sealed record LeaseGrant(DateTimeOffset ExpiresAt, bool WakeRequested);

/// <summary>A lease as stored: who has it and until when (no holder: never taken, or released).</summary>
public sealed record LeaseState(string? Holder, DateTimeOffset ExpiresAt);

/// <summary>Whether a replica may take a lease: the one rule both adapters apply.</summary>
public static class LeaseRule
{
    /// <summary>Free, released, expired at <paramref name="now"/>, or held by <paramref name="holder"/> already (a renewal).</summary>
    public static bool MayTake(LeaseState? current, string holder, DateTimeOffset now) =>
        current is null || string.IsNullOrEmpty(current.Holder) || current.Holder == holder || current.ExpiresAt <= now;
}
