using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;

namespace CarTConsortium.Identity.SignInProtection;

/// <summary>
/// <c>Identity:SignInProtection</c>: how many wrong passwords or client secrets lock an account,
/// a client or a source address, and for how long. Checked with the rest of <see cref="IdentitySettings"/>.
/// </summary>
public sealed class SignInProtectionSettings
{
    public const string Section = "Identity:SignInProtection";

    /// <summary>Failures of one account (user name) or one client within <see cref="Window"/> that lock it.</summary>
    public int AccountFailures { get; set; } = 5;

    /// <summary>Failures from one source address (IPv6: its /64) within <see cref="Window"/> that lock the source, whatever the account.</summary>
    public int SourceFailures { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The first lock-out; each further one in a row lasts twice as long.</summary>
    public TimeSpan FirstLockout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest lock-out; after this long without failures the count starts again.</summary>
    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate()
    {
        if (AccountFailures is < 1 or > 1000)
        {
            yield return Setting.Problem(Section, nameof(AccountFailures), AccountFailures, "must be between 1 and 1000");
        }
        if (SourceFailures < AccountFailures || SourceFailures > 100_000)
        {
            yield return Setting.Problem(Section, nameof(SourceFailures), SourceFailures,
                $"must be at least {Section}:{nameof(AccountFailures)} ({AccountFailures}) and at most 100000");
        }
        if (Window <= TimeSpan.Zero || Window > TimeSpan.FromDays(1))
        {
            yield return Setting.Problem(Section, nameof(Window), Window, "must be over 0 and at most 1 day");
        }
        if (FirstLockout <= TimeSpan.Zero)
        {
            yield return Setting.Problem(Section, nameof(FirstLockout), FirstLockout, "must be over 0");
        }
        if (MaxLockout < FirstLockout || MaxLockout > TimeSpan.FromDays(7))
        {
            yield return Setting.Problem(Section, nameof(MaxLockout), MaxLockout,
                $"must be at least {Section}:{nameof(FirstLockout)} and at most 7 days");
        }
    }
}
