using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Approvals;

/// <summary>Settings of the approvals service ("Approvals" section), checked at start by <see cref="ApprovalsOptionsValidator"/>.</summary>
public sealed class ApprovalsOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Approvals";

    /// <summary>How often approved authorisations are checked for a passed expiry: more than zero, at most one day.</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ExpiryCheckInterval <= TimeSpan.Zero || ExpiryCheckInterval > TimeSpan.FromDays(1))
        {
            yield return Setting.Problem(Section, nameof(ExpiryCheckInterval), ExpiryCheckInterval, "must be more than zero and at most one day");
        }
    }
}

/// <summary>The source-generated check of <see cref="ApprovalsOptions"/>.</summary>
[OptionsValidator]
public sealed partial class ApprovalsOptionsValidator : IValidateOptions<ApprovalsOptions>;
