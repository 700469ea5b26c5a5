namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// The transport refused an event for good (too large, not allowed on its topic): sending it again cannot
/// succeed. The outbox relay parks it with <see cref="Exception.Message"/> as the reason and goes on with
/// the events behind it. Any other exception from a publisher counts as transient and is retried in order.
/// </summary>
public sealed class EventRefusedException(string reason, Exception? inner = null) : Exception(reason, inner);
