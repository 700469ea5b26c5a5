using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Procurement.Domain.Pools;
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

    /// <summary>What an officer may learn of pools too few countries have committed to (<see cref="PoolDisclosure"/>).</summary>
    public DisclosureSettings Disclosure { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Disclosure.MinCountries is < 1 or > PoolDisclosure.MaxMinCountries)
        {
            yield return Setting.Problem(Section, $"{nameof(Disclosure)}:{nameof(Disclosure.MinCountries)}", Disclosure.MinCountries,
                $"must be from 1 (always show exact totals) to {PoolDisclosure.MaxMinCountries}");
        }
        if (ClosingCheckInterval <= TimeSpan.Zero || ClosingCheckInterval > TimeSpan.FromHours(1))
        {
            yield return Setting.Problem(Section, nameof(ClosingCheckInterval), ClosingCheckInterval, "must be more than zero and at most one hour");
        }
    }
}

/// <summary>The "Procurement:Disclosure" settings.</summary>
public sealed class DisclosureSettings
{
    /// <summary>
    /// From how many committed countries an officer sees a pool's exact totals and projections;
    /// below it, the total only as a range (with two countries, an exact total less one's own is the other's quantity).
    /// </summary>
    public int MinCountries { get; set; } = PoolDisclosure.DefaultMinCountries;
}

/// <summary>Checks <see cref="ProcurementOptions"/> at start (source-generated).</summary>
[OptionsValidator]
public sealed partial class ProcurementOptionsValidator : IValidateOptions<ProcurementOptions>;
