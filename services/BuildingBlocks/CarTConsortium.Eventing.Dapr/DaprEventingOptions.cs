namespace CarTConsortium.Eventing.Dapr;

/// <summary>Settings of the Dapr transport, bound from <c>Eventing:Dapr</c>.</summary>
public sealed class DaprEventingOptions
{
    public const string Section = "Eventing:Dapr";

    /// <summary>The Dapr pub/sub component every topic goes through (its metadata names the broker).</summary>
    public string PubSubName { get; set; } = "pubsub";

    /// <summary>
    /// The token the sidecar sends in <c>dapr-api-token</c> when it calls this app (Dapr's
    /// APP_API_TOKEN). When set, deliveries without it are refused, so only the sidecar
    /// can push events. Empty: Dapr's own APP_API_TOKEN setting (configuration, then environment) if set.
    /// </summary>
    public string? AppApiToken { get; set; }

    /// <summary>
    /// How many events the delivery-attempt counter remembers. It only needs to cover
    /// events that are between a RETRY and their redelivery; the oldest are forgotten first.
    /// </summary>
    public int MaxTrackedDeliveries { get; set; } = 10_000;
}
