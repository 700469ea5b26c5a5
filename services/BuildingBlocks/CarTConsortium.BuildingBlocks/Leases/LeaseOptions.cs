using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Leases;

/// <summary>How long a lease on single-replica work lasts ("Leases" section), checked at start by <see cref="LeaseOptionsValidator"/>.</summary>
public sealed class LeaseOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Leases";

    /// <summary>
    /// How long a holder keeps a lease without renewing: the longest another replica waits to take over
    /// from one that died. The holder renews every third of it and stops its work when a third is left
    /// without a successful renewal (<see cref="SafetyMargin"/>).
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the holder renews, and how often the others try to take the lease.</summary>
    public TimeSpan RenewEvery => Duration / 3;

    /// <summary>
    /// How long before the lease may expire the holder stops its work when no renewal has succeeded. The store
    /// counts a lease from when it handled the call, never before the holder sent it, so the holder is safe up
    /// to send + <see cref="Duration"/>; a third of it is left for the work to see its token and return (a
    /// publish or commit in flight, a pause of the process), so it has stopped before another replica can start.
    /// </summary>
    public TimeSpan SafetyMargin => Duration / 3;

    /// <summary>How long the holder may work after sending its last successful take or renewal.</summary>
    public TimeSpan WorkFor => Duration - SafetyMargin;

    /// <summary>The settings' mistakes, each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Under a second, a garbage collection or a slow commit could cost the lease; over ten minutes,
        // a dead holder's work waits that long.
        if (Duration < TimeSpan.FromSeconds(1) || Duration > TimeSpan.FromMinutes(10))
        {
            yield return Setting.Problem(Section, nameof(Duration), Duration, "must be 1 second to 10 minutes");
        }
    }
}

/// <summary>Checks <see cref="LeaseOptions"/> at start, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class LeaseOptionsValidator : IValidateOptions<LeaseOptions>;
