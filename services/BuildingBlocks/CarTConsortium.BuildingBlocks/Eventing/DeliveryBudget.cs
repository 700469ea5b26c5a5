namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>Why a delivery to one handler did not succeed.</summary>
public enum DeliveryFailure
{
    /// <summary>Something that may pass (a store hiccup, a conflict, a bug fixed by the next release).</summary>
    Transient,

    /// <summary>The handler signalled <see cref="EventNotYetApplicableException"/>: it needs an event that has not arrived.</summary>
    NotYetApplicable,

    /// <summary>The payload is unreadable or the handler threw <see cref="PoisonEventException"/>: no retry can help.</summary>
    Poison,
}

/// <summary>What to do with a delivery that did not succeed.</summary>
public enum DeliveryVerdict
{
    /// <summary>A failure: deliver again after <see cref="DeliveryDecision.RetryAfter"/>.</summary>
    Retry,

    /// <summary>Not a failure, only early: deliver again after <see cref="DeliveryDecision.RetryAfter"/>.</summary>
    Defer,

    /// <summary>Give up: keep the event as a dead letter for an operator to replay.</summary>
    DeadLetter,
}

/// <summary>The verdict on one failed delivery, with the wait before the next one (zero when dead-lettered).</summary>
public sealed record DeliveryDecision(DeliveryVerdict Verdict, TimeSpan RetryAfter);

/// <summary>
/// The one rule both transports obey: an event a handler cannot apply is delivered again with capped
/// exponential backoff, and dead-lettered once <c>Eventing:DeadLetterAfter</c> has passed since its first
/// delivery to that handler (counted in the service's store, so restarts and replicas share the clock).
/// Poison is dead-lettered at once. No I/O: the caller supplies the times and the jitter.
/// </summary>
public sealed class DeliveryBudget
{
    // 2^20 times the base delay is far past any sane cap; the exponent stops there so the sum cannot overflow.
    private const int MaxExponent = 20;

    public DeliveryBudget(TimeSpan deadLetterAfter, TimeSpan retryBaseDelay, TimeSpan retryMaxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deadLetterAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryBaseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryMaxDelay, retryBaseDelay);
        DeadLetterAfter = deadLetterAfter;
        RetryBaseDelay = retryBaseDelay;
        RetryMaxDelay = retryMaxDelay;
    }

    public TimeSpan DeadLetterAfter { get; }

    public TimeSpan RetryBaseDelay { get; }

    public TimeSpan RetryMaxDelay { get; }

    public static DeliveryBudget From(EventingOptions options) =>
        new(options.DeadLetterAfter, options.RetryBaseDelay, options.RetryMaxDelay);

    /// <param name="firstAttemptAt">When the event was first delivered to this handler.</param>
    /// <param name="now">Now; a clock behind <paramref name="firstAttemptAt"/> (another replica's) counts as no time spent.</param>
    /// <param name="attempts">Deliveries so far, this one included (1 for the first).</param>
    /// <param name="failure">How this delivery failed.</param>
    /// <param name="jitter">0-1: where in [half, all] of the backoff the wait falls, so replicas do not retry in step.</param>
    public DeliveryDecision Decide(DateTimeOffset firstAttemptAt, DateTimeOffset now, int attempts, DeliveryFailure failure, double jitter = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        if (jitter is < 0 or > 1 || double.IsNaN(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "must be 0-1");
        }
        if (failure == DeliveryFailure.Poison)
        {
            return new DeliveryDecision(DeliveryVerdict.DeadLetter, TimeSpan.Zero);
        }
        var spent = now > firstAttemptAt ? now - firstAttemptAt : TimeSpan.Zero;
        if (spent >= DeadLetterAfter)
        {
            return new DeliveryDecision(DeliveryVerdict.DeadLetter, TimeSpan.Zero);
        }
        var exponent = Math.Min(attempts - 1, MaxExponent);
        var ceiling = Math.Min(RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), RetryMaxDelay.TotalMilliseconds);
        var wait = TimeSpan.FromMilliseconds(ceiling / 2 + jitter * ceiling / 2);
        // The last try falls on the deadline, so the budget is used in full and not overshot by a long backoff.
        var left = DeadLetterAfter - spent;
        if (wait > left)
        {
            wait = left;
        }
        return new DeliveryDecision(failure == DeliveryFailure.NotYetApplicable ? DeliveryVerdict.Defer : DeliveryVerdict.Retry, wait);
    }
}
