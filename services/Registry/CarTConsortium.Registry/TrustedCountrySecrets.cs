using CarTConsortium.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Registry;

/// <summary>
/// Every country the registry trusts an issuer for (Federation:Issuers) needs its pseudonymisation secret:
/// without it that country's people could sign in and each of their enrolments would fail. In Kubernetes
/// the secrets are every key of the Secret registry-pseudonymisation, so a new member without its key
/// would otherwise start unnoticed; the registry refuses to start instead, naming the missing key.
/// </summary>
public sealed class TrustedCountrySecrets(IReadOnlyCollection<string> trustedCountries) : IValidateOptions<RegistryOptions>
{
    /// <summary>The countries of the configuration's Federation:Issuers (the consortium's issuer names none).</summary>
    public static TrustedCountrySecrets From(IConfiguration configuration) =>
        new([.. configuration.GetSection($"{FederationOptions.Section}:{nameof(FederationOptions.Issuers)}").GetChildren()
            .Select(issuer => issuer[nameof(TrustedIssuer.Country)])
            .OfType<string>()
            .Where(country => country.Length > 0)]);

    /// <summary>One problem per trusted country without a secret, naming its setting and environment variable.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<string> trustedCountries, IEnumerable<string> countriesWithSecrets)
    {
        var configured = countriesWithSecrets.ToHashSet(StringComparer.Ordinal);
        return [.. trustedCountries.Distinct(StringComparer.Ordinal).Where(c => !configured.Contains(c)).Order(StringComparer.Ordinal)
            .Select(c => $"{PseudonymisationOptions.Section}:{nameof(PseudonymisationOptions.CountrySecrets)}:{c} is missing "
                + $"(environment Registry__Pseudonymisation__CountrySecrets__{c}, in Kubernetes that key of the Secret registry-pseudonymisation): "
                + $"{FederationOptions.Section}:{nameof(FederationOptions.Issuers)} trusts an issuer for {c}, whose patients could not be pseudonymised")];
    }

    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(trustedCountries, options.Pseudonymisation.CountrySecrets.Keys);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
