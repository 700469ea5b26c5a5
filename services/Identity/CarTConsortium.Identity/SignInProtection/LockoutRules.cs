namespace CarTConsortium.Identity.SignInProtection;

/// <summary>What is remembered of one account's, client's or source's failures.</summary>
/// <param name="Failures">Failures in the current window (0 right after a lock-out).</param>
/// <param name="WindowStart">When the current window's first failure happened.</param>
/// <param name="LockedUntil">The end of the latest lock-out, if there was one.</param>
/// <param name="Lockouts">Lock-outs in a row so far: the next one lasts twice as long.</param>
/// <param name="LastFailure">The latest failure that counted.</param>
public sealed record FailureRecord(int Failures, DateTimeOffset WindowStart, DateTimeOffset? LockedUntil, int Lockouts, DateTimeOffset LastFailure);

/// <summary>
/// The lock-out rules as pure functions of a record, the clock and the settings: after
/// <c>threshold</c> failures within <see cref="SignInProtectionSettings.Window"/> the subject is
/// locked for <see cref="SignInProtectionSettings.FirstLockout"/>, each further lock-out in a row
/// twice as long, at most <see cref="SignInProtectionSettings.MaxLockout"/>. After a quiet
/// <see cref="SignInProtectionSettings.MaxLockout"/> without failures the next lock-out is short again.
/// </summary>
public static class LockoutRules
{
    public static bool IsLocked(FailureRecord? record, DateTimeOffset now) => record?.LockedUntil > now;

    /// <summary>The record after one more failure; <paramref name="lockedNow"/> says whether this failure locked the subject.</summary>
    public static FailureRecord AfterFailure(FailureRecord? record, DateTimeOffset now, int threshold, SignInProtectionSettings settings, out bool lockedNow)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (IsLocked(record, now))
        {
            // Attempts while locked are refused before any check and do not count.
            lockedNow = false;
            return record!;
        }
        var current = record ?? new FailureRecord(0, now, null, 0, now);
        // The count follows the window; the growth of lock-outs is forgotten after a quiet MaxLockout.
        var lockouts = now - current.LastFailure >= settings.MaxLockout ? 0 : current.Lockouts;
        var freshWindow = current.Failures == 0 || now - current.WindowStart >= settings.Window;
        var failures = freshWindow ? 1 : current.Failures + 1;
        if (failures >= threshold)
        {
            lockedNow = true;
            return new FailureRecord(0, now, now + LockoutDuration(lockouts, settings), lockouts + 1, now);
        }
        lockedNow = false;
        return new FailureRecord(failures, freshWindow ? now : current.WindowStart, current.LockedUntil, lockouts, now);
    }

    /// <summary>How long the lock-out after <paramref name="previousLockouts"/> earlier ones in a row lasts.</summary>
    public static TimeSpan LockoutDuration(int previousLockouts, SignInProtectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var duration = settings.FirstLockout;
        for (var i = 0; i < previousLockouts && duration < settings.MaxLockout; i++)
        {
            duration += duration;
        }
        return duration < settings.MaxLockout ? duration : settings.MaxLockout;
    }

    /// <summary>Whole seconds until the lock ends, at least 1: the Retry-After value.</summary>
    public static int RetryAfterSeconds(DateTimeOffset lockedUntil, DateTimeOffset now) =>
        Math.Max(1, (int)Math.Ceiling((lockedUntil - now).TotalSeconds));
}
