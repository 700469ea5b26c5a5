using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Registry.Domain.Patients;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Registry;

/// <summary>The registry's settings (section "Registry"), validated at start: without usable secrets the registry does not start.</summary>
public sealed class RegistryOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Registry";

    /// <summary>Each member country's pseudonymisation secret ("Registry:Pseudonymisation").</summary>
    [ValidateObjectMembers]
    public PseudonymisationOptions Pseudonymisation { get; } = new();

    /// <summary>How many patients an institution may enrol per window ("Registry:Enrolment").</summary>
    public EnrolmentSettings Enrolment { get; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enrolment.PermitLimit is < 1 or > EnrolmentSettings.MaxPermitLimit)
        {
            yield return Setting.Problem(Section, $"{nameof(Enrolment)}:{nameof(Enrolment.PermitLimit)}", Enrolment.PermitLimit,
                $"must be from 1 to {EnrolmentSettings.MaxPermitLimit}");
        }
        if (Enrolment.Window < TimeSpan.FromMinutes(1) || Enrolment.Window > TimeSpan.FromDays(31))
        {
            yield return Setting.Problem(Section, $"{nameof(Enrolment)}:{nameof(Enrolment.Window)}", Enrolment.Window,
                "must be from one minute to 31 days");
        }
    }
}

/// <summary>The "Registry:Enrolment" settings: the per-institution limit on enrolments (<see cref="EnrolmentLimit"/>).</summary>
public sealed class EnrolmentSettings
{
    public const int MaxPermitLimit = 100_000;

    /// <summary>Enrolments per institution per <see cref="Window"/>; a registry migration raises it for its run.</summary>
    public int PermitLimit { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    public EnrolmentLimit Limit() => new(PermitLimit, Window);
}

[OptionsValidator]
public sealed partial class RegistryOptionsValidator : IValidateOptions<RegistryOptions>;

/// <summary>
/// The secret of each country the registry derives pseudonyms for, read from the
/// "Registry:Pseudonymisation" settings (e.g. Registry__Pseudonymisation__CountrySecrets__KZ).
/// A country's secret is its own: whoever holds it can test a guessed national identifier
/// against a pseudonym, so it lives in the deployment's secret store, never in a file in
/// the repository. Changing a secret changes every pseudonym of that country.
/// </summary>
public sealed partial class PseudonymisationOptions : IValidatableObject
{
    public const string Section = "Registry:Pseudonymisation";

    /// <summary>The fewest bytes a secret may decode to: the 256-bit key HMAC-SHA256 is built for.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>ISO 3166-1 alpha-2 country code (capitals) to a base64 secret of at least 32 random bytes.</summary>
    public Dictionary<string, string> CountrySecrets { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the demo's published secrets (<see cref="DemoSecrets"/>) may be used: only for the
    /// demo. The standalone host sets it while it loads demo data; tye.yaml, a development run,
    /// sets it explicitly. Anywhere else a demo secret is refused: with it, anyone can recompute
    /// a pseudonym from a guessed national identifier.
    /// </summary>
    public bool AllowDemoSecrets { get; set; }

    /// <summary>Every problem of the settings, never showing a secret; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (CountrySecrets.Count == 0)
        {
            problems.Add($"no country secret is configured ({Section}:CountrySecrets)");
        }
        var decoded = new List<(string Country, byte[] Secret)>();
        foreach (var (country, secret) in CountrySecrets.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var at = $"{Section}:CountrySecrets:{country}";
            if (!CountryCode().IsMatch(country))
            {
                problems.Add($"{at}: the key is not an ISO 3166-1 alpha-2 code in capitals");
            }
            if (string.IsNullOrWhiteSpace(secret))
            {
                problems.Add($"{at} is empty");
            }
            else if (Decode(secret) is not { } bytes)
            {
                problems.Add($"{at} is not base64");
            }
            else if (bytes.Length < MinSecretBytes)
            {
                problems.Add($"{at} decodes to {bytes.Length} bytes; at least {MinSecretBytes} random bytes are needed");
            }
            else
            {
                if (!AllowDemoSecrets && DemoSecrets.IsDemoSecret(bytes))
                {
                    problems.Add($"{at} is the demo's published secret; set the country's own (e.g. openssl rand -base64 32), "
                        + $"or {Section}:{nameof(AllowDemoSecrets)}=true for a demo or development run only");
                }
                decoded.Add((country, bytes));
            }
        }
        // One country's secret must not open another's pseudonyms.
        foreach (var shared in decoded.GroupBy(d => Convert.ToHexString(d.Secret), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"{string.Join(", ", shared.Select(d => d.Country))} share one secret; each country needs its own");
        }
        return problems;
    }

    /// <summary>
    /// Each problem names the setting but, unlike other settings' messages, never its value:
    /// a secret must not reach a log, even a wrong one.
    /// </summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext) =>
        Problems().Select(problem => new ValidationResult(problem, [nameof(CountrySecrets)]));

    /// <summary>The secret's bytes; null when it is not base64.</summary>
    internal static byte[]? Decode(string secret)
    {
        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret, buffer, out var written) ? buffer[..written] : null;
    }

    [GeneratedRegex(@"^[A-Z]{2}\z")]
    private static partial Regex CountryCode();
}
