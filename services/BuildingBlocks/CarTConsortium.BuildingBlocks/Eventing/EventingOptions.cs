using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>How an app publishes and receives events ("Eventing" section), checked at start by <see cref="EventingOptionsValidator"/>.</summary>
public sealed class EventingOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Eventing";

    /// <summary>Names this app as an event source and subscriber, e.g. "registry".</summary>
    public string AppId { get; set; } = "app";

    /// <summary>
    /// How long after its first delivery to a handler an event that still fails (or is still deferred) is
    /// dead-lettered. Counted in the service's store, so it holds across restarts and replicas.
    /// </summary>
    public TimeSpan DeadLetterAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait before the second delivery; it doubles for every later one.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the outbox relay looks for events when nothing woke it.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Exponential backoff with jitter, capped (the outbox relay's; deliveries follow <see cref="DeliveryBudget"/>).</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 20);
        var ceiling = Math.Min(RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    /// <summary>The settings' mistakes, each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(AppId))
        {
            yield return Setting.Problem(Section, nameof(AppId), AppId, "must name this app, e.g. registry");
        }
        if (DeadLetterAfter <= TimeSpan.Zero || DeadLetterAfter > TimeSpan.FromDays(30))
        {
            yield return Setting.Problem(Section, nameof(DeadLetterAfter), DeadLetterAfter, "must be over 0 and at most 30 days, e.g. 24:00:00");
        }
        if (RetryMaxDelay <= TimeSpan.Zero || RetryMaxDelay > TimeSpan.FromHours(1))
        {
            yield return Setting.Problem(Section, nameof(RetryMaxDelay), RetryMaxDelay, "must be over 0 and at most 1 hour");
        }
        if (RetryBaseDelay <= TimeSpan.Zero || RetryBaseDelay > RetryMaxDelay)
        {
            yield return Setting.Problem(Section, nameof(RetryBaseDelay), RetryBaseDelay, $"must be over 0 and at most {Section}:{nameof(RetryMaxDelay)}");
        }
        if (OutboxPollInterval <= TimeSpan.Zero || OutboxPollInterval > TimeSpan.FromMinutes(1))
        {
            yield return Setting.Problem(Section, nameof(OutboxPollInterval), OutboxPollInterval, "must be over 0 and at most 1 minute");
        }
    }
}

/// <summary>Checks <see cref="EventingOptions"/> at start, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class EventingOptionsValidator : IValidateOptions<EventingOptions>;
