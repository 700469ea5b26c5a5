using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Procurement;

/// <summary>Settings of the procurement service ("Procurement" section), checked at start.</summary>
public sealed class ProcurementOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Procurement";

    /// <summary>
    /// The longest the closing job sleeps. It wakes at the next pool's closing time anyway;
    /// this bounds how late it notices a pool another replica opened.
    /// </summary>
    public TimeSpan ClosingCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClosingCheckInterval <= TimeSpan.Zero || ClosingCheckInterval > TimeSpan.FromHours(1))
        {
            yield return Setting.Problem(Section, nameof(ClosingCheckInterval), ClosingCheckInterval, "must be more than zero and at most one hour");
        }
    }
}

/// <summary>Checks <see cref="ProcurementOptions"/> at start (source-generated).</summary>
[OptionsValidator]
public sealed partial class ProcurementOptionsValidator : IValidateOptions<ProcurementOptions>;
