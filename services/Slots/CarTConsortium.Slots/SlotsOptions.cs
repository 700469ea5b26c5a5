using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Slots.Domain.Institutions;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots;

/// <summary>Settings of the slots service ("Slots" section).</summary>
public sealed class SlotsOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Slots";

    /// <summary>How long a hold lasts unless the hospital confirms it.</summary>
    public TimeSpan HoldTime { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long the head of the waitlist has to accept a run offered to it.</summary>
    public TimeSpan OfferTime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often lapsed holds are released and freed places offered to the waitlist (also at once when a place is freed).</summary>
    public TimeSpan HousekeepingInterval { get; set; } = TimeSpan.FromMinutes(1);

    [ValidateObjectMembers]
    public FairnessOptions Fairness { get; set; } = new();

    [ValidateObjectMembers]
    public InstitutionLimitsOptions InstitutionLimits { get; set; } = new();

    /// <summary>The settings' mistakes, each naming the setting and the value read; checked at start (<see cref="SlotsOptionsValidator"/>).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HoldTime <= TimeSpan.Zero || HoldTime > TimeSpan.FromDays(14))
        {
            yield return Setting.Problem(Section, nameof(HoldTime), HoldTime, "must be over 0 and at most 14 days");
        }
        if (OfferTime <= TimeSpan.Zero || OfferTime > TimeSpan.FromDays(14))
        {
            yield return Setting.Problem(Section, nameof(OfferTime), OfferTime, "must be over 0 and at most 14 days");
        }
        if (HousekeepingInterval <= TimeSpan.Zero || HousekeepingInterval > TimeSpan.FromHours(1))
        {
            yield return Setting.Problem(Section, nameof(HousekeepingInterval), HousekeepingInterval, "must be over 0 and at most 1 hour");
        }
    }
}

/// <summary>Checks <see cref="SlotsOptions"/> and its <see cref="FairnessOptions"/> at start, generated from their rules.</summary>
[OptionsValidator]
public sealed partial class SlotsOptionsValidator : IValidateOptions<SlotsOptions>;

/// <summary>
/// Each member country's guaranteed share of every site's capacity per period
/// ("Slots:Fairness" section). A country's guarantee in a period is
/// floor(percent x open lines / 100); the rest is open to all from the start.
/// </summary>
public sealed class FairnessOptions : IValidatableObject
{
    public const string Section = "Slots:Fairness";

    /// <summary>Percent of each site's capacity per period, by country code (e.g. KZ = 40). Together at most 100.</summary>
    public Dictionary<string, int> Shares { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Days before a run starts when the unused shares of it open to every country.</summary>
    public int ReleaseDaysBeforeRun { get; set; } = 14;

    /// <summary>The shares' mistakes at start, worded as <see cref="Problems"/> words them (each names the setting, and a code its value).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => Problems().Select(problem => new ValidationResult(problem));

    /// <summary>The configuration's mistakes, for start-up validation.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (country, percent) in Shares)
        {
            if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
            {
                yield return $"Slots:Fairness:Shares: '{country}' is not an ISO 3166-1 alpha-2 code in upper case.";
            }
            if (percent is < 0 or > 100)
            {
                yield return $"Slots:Fairness:Shares:{country} must be 0-100 percent.";
            }
        }
        if (Shares.Values.Sum() > 100)
        {
            yield return "Slots:Fairness:Shares must add up to at most 100 percent.";
        }
        if (ReleaseDaysBeforeRun is < 0 or > 365)
        {
            yield return "Slots:Fairness:ReleaseDaysBeforeRun must be 0-365 days.";
        }
    }
}

/// <summary>
/// How much one institution may hold at once ("Slots:InstitutionLimits" section): the default,
/// and any member country's own (e.g. "Slots:InstitutionLimits:Countries:KZ:MaxActive").
/// </summary>
public sealed class InstitutionLimitsOptions : IValidatableObject
{
    public const string Section = "Slots:InstitutionLimits";

    private const int Most = 1000;

    /// <summary>Bookings holding a place in a run (held, confirmed, up to shipped) per institution.</summary>
    public int MaxActive { get; set; } = 12;

    /// <summary>Unconfirmed holds per institution (requests and waitlist offers alike).</summary>
    public int MaxUnconfirmed { get; set; } = 6;

    /// <summary>A country's own limits, by country code; an unset limit is the default.</summary>
    public Dictionary<string, CountryHoldLimits> Countries { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The limits for institutions of <paramref name="country"/>.</summary>
    public HoldLimits For(string country) => Countries.TryGetValue(country, out var own)
        ? new HoldLimits(own.MaxActive ?? MaxActive, own.MaxUnconfirmed ?? MaxUnconfirmed)
        : new HoldLimits(MaxActive, MaxUnconfirmed);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in Check(Section, MaxActive, MaxUnconfirmed))
        {
            yield return problem;
        }
        foreach (var (country, own) in Countries)
        {
            if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
            {
                yield return Setting.Problem($"{Section}:Countries", country, country, "must be an ISO 3166-1 alpha-2 code in upper case");
            }
            var limits = For(country);
            foreach (var problem in Check($"{Section}:Countries:{country}", limits.MaxActive, limits.MaxUnconfirmed))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<ValidationResult> Check(string section, int maxActive, int maxUnconfirmed)
    {
        if (maxActive is < 1 or > Most)
        {
            yield return Setting.Problem(section, nameof(MaxActive), maxActive, $"must be 1 to {Most}");
        }
        if (maxUnconfirmed < 1 || maxUnconfirmed > maxActive)
        {
            yield return Setting.Problem(section, nameof(MaxUnconfirmed), maxUnconfirmed, $"must be 1 to MaxActive ({maxActive})");
        }
    }
}

/// <summary>One country's own hold limits; each unset one is the default.</summary>
public sealed class CountryHoldLimits
{
    public int? MaxActive { get; set; }

    public int? MaxUnconfirmed { get; set; }
}
