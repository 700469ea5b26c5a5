using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>How long the eventing keeps what it has done ("Eventing" section, <c>Retention</c>), checked at start by <see cref="EventRetentionOptionsValidator"/>.</summary>
public sealed class EventRetentionOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Eventing";

    /// <summary>
    /// The delivery budget, <see cref="EventingOptions.DeadLetterAfter"/>: the same setting, read here only to check
    /// that the retention outlasts it.
    /// </summary>
    public TimeSpan DeadLetterAfter { get; set; } = new EventingOptions().DeadLetterAfter;

    /// <summary>
    /// Published outbox events, inbox marks and (standalone) delivered bus entries older than this are pruned.
    /// Why a redelivery older than this cannot happen: an event is redelivered only while its deliveries go on
    /// (within <see cref="DeadLetterAfter"/> of its first delivery, after which it is dead-lettered, and a replay of a dead letter
    /// removes its mark anyway), or when its outbox row is republished, and that row is pruned no later than
    /// the marks it caused (a mark is made after the publication). So a mark is never pruned while a delivery
    /// it must absorb can still come, provided the retention is well over the delivery budget.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Idempotency-key records older than this are pruned (by the same hourly job). A key is honoured for
    /// <see cref="Storage.IdempotencyKey.Retention"/> (24 hours; clients retry within minutes), so this is at least that
    /// long; a retry with a key older than either is a new request.
    /// </summary>
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The settings' mistakes, each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Retention < 2 * DeadLetterAfter || Retention > TimeSpan.FromDays(3650))
        {
            yield return Setting.Problem(Section, nameof(Retention), Retention,
                $"must be at least twice {Section}:{nameof(DeadLetterAfter)} ({2 * DeadLetterAfter}), so that no redelivery outlives its inbox mark, and at most 3650 days");
        }
        if (IdempotencyKeyRetention < Storage.IdempotencyKey.Retention || IdempotencyKeyRetention > TimeSpan.FromDays(3650))
        {
            yield return Setting.Problem(Section, nameof(IdempotencyKeyRetention), IdempotencyKeyRetention,
                $"must be at least {Storage.IdempotencyKey.Retention} (how long a request_id is honoured), so that no honoured key is pruned, and at most 3650 days");
        }
    }
}

/// <summary>Checks <see cref="EventRetentionOptions"/> at start, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class EventRetentionOptionsValidator : IValidateOptions<EventRetentionOptions>;

/// <summary>A transport that keeps delivered messages itself (the embedded bus) and prunes them; a broker such as Dapr's has its own retention.</summary>
public interface ITransportRetention
{
    /// <summary>Removes messages every subscriber has settled, delivered before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneDeliveredAsync(DateTimeOffset before, CancellationToken ct = default);
}
