namespace CarTConsortium.BuildingBlocks.Eventing;

public sealed class EventingOptions
{
    public const string Section = "Eventing";

    /// <summary>Names this app as an event source and subscriber, e.g. "registry".</summary>
    public string AppId { get; set; } = "app";

    /// <summary>Deliveries of one event to one app before it is dead-lettered.</summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>The wait before the second delivery; it doubles for every later one.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the outbox relay looks for events when nothing woke it.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Exponential backoff with full jitter, capped.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 20);
        var ceiling = Math.Min(RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
