using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>
/// The identity providers this app trusts, each bound to one country (or to the
/// consortium), read from the "Federation" settings. The gateway and every service read
/// the same list, so a request that bypasses the gateway meets the same checks. Read while the
/// app is wired (<see cref="ValidatedSettings.GetValidatedSettings"/>) and checked by <see cref="FederationOptionsValidator"/>.
/// </summary>
public sealed partial class FederationOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Federation";

    /// <summary>The audience every accepted access token must be issued for.</summary>
    public string Audience { get; set; } = PlatformClaims.Audience;

    /// <summary>How far clocks may disagree when checking a token's lifetime.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Metadata and keys only over HTTPS; switched off for the loopback standalone mode, where
    /// plain http is still allowed only to loopback addresses (<see cref="MetadataTransportRule"/>).
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How long an issuer's discovery document and keys are cached.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The least time between two fetches caused by a token whose key id is unknown (a key
    /// rotated in early): often enough to follow a rotation, rarely enough that forged key
    /// ids cannot make the app hammer the provider.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest an access token may be valid (from its iat, its nbf, and from now). The
    /// providers issue 15-minute access tokens; refresh tokens never reach the platform's APIs.
    /// </summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one fetch of an issuer's discovery document and keys may take in all before it counts as failed.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a failed fetch is remembered: meanwhile that issuer's tokens are answered at
    /// once (503 with Retry-After) instead of each waiting for another fetch to time out.
    /// </summary>
    public TimeSpan UnavailableIssuerBackoff { get; set; } = TimeSpan.FromSeconds(15);

    public List<TrustedIssuer> Issuers { get; set; } = [];

    public TrustedIssuer? Find(string? issuer) =>
        issuer is null ? null : Issuers.Find(i => string.Equals(i.Issuer, issuer, StringComparison.Ordinal));

    /// <summary>The list's mistakes (one that would trust the wrong party or nobody), each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Issuers.Count == 0)
        {
            yield return Setting.Problem(Section, nameof(Issuers), "", "no trusted issuer is configured: list at least one");
        }
        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return Setting.Problem(Section, nameof(Audience), Audience, "must name the audience every access token is issued for");
        }
        foreach (var (name, value) in new[] { (nameof(MaxTokenLifetime), MaxTokenLifetime), (nameof(MetadataTimeout), MetadataTimeout), (nameof(UnavailableIssuerBackoff), UnavailableIssuerBackoff) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return Setting.Problem(Section, name, value, "must be over 0");
            }
        }
        foreach (var (issuer, index) in Issuers.Select((issuer, index) => (issuer, index)))
        {
            var at = $"{Section}:{nameof(Issuers)}:{index}";
            if (!Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out _))
            {
                yield return Setting.Problem(at, nameof(TrustedIssuer.Issuer), issuer.Issuer, "is not an absolute URL");
            }
            if (issuer.Consortium == (issuer.Country is not null))
            {
                yield return Setting.Problem(at, nameof(TrustedIssuer.Consortium), issuer.Consortium,
                    $"an issuer names either a Country (here '{issuer.Country}') or Consortium: true, not both or neither");
            }
            if (issuer.Country is not null && !CountryCode().IsMatch(issuer.Country))
            {
                yield return Setting.Problem(at, nameof(TrustedIssuer.Country), issuer.Country, "is not an ISO 3166-1 alpha-2 code in capitals");
            }
            if (issuer.SigningKeysFile is not null && !Path.IsPathFullyQualified(issuer.SigningKeysFile))
            {
                yield return Setting.Problem(at, nameof(TrustedIssuer.SigningKeysFile), issuer.SigningKeysFile, "is not an absolute path to a JWKS file");
            }
            if (MetadataTransportRule.Problem(issuer, RequireHttpsMetadata) is { } transport)
            {
                yield return Setting.Problem(at, nameof(TrustedIssuer.MetadataAddress), issuer.MetadataAddress ?? issuer.Issuer, transport);
            }
        }
        foreach (var duplicate in Issuers.GroupBy(i => i.Issuer, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return Setting.Problem(Section, nameof(Issuers), duplicate.Key, "lists this issuer more than once");
        }
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();
}

/// <summary>Checks <see cref="FederationOptions"/> before the app is wired, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class FederationOptionsValidator : IValidateOptions<FederationOptions>;

/// <summary>One identity provider the platform trusts, and what it may speak for.</summary>
public sealed class TrustedIssuer
{
    /// <summary>The exact <c>iss</c> of its tokens; its discovery document lives below it.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The only country its tokens may name.</summary>
    public string? Country { get; set; }

    /// <summary>The consortium's own provider: its tokens name no country and alone may grant consortium_admin.</summary>
    public bool Consortium { get; set; }

    /// <summary>Where to fetch its discovery document when that differs from the issuer (e.g. a cluster-internal address).</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>
    /// A JWKS file holding the issuer's signing keys (e.g. a mounted Secret): when set, its keys are
    /// read from there and nothing is fetched from the issuer, so its address may be plain http.
    /// </summary>
    public string? SigningKeysFile { get; set; }

    public string DiscoveryAddress =>
        MetadataAddress ?? Issuer.TrimEnd('/') + "/.well-known/openid-configuration";
}
