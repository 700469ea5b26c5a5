using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

/// <summary>A country the registry trusts an issuer for, without its pseudonymisation secret, stops the registry at start.</summary>
public sealed class TrustedCountrySecretsTests
{
    private const string At = "Registry:Pseudonymisation:CountrySecrets:";

    [Fact]
    public void Every_trusted_country_with_a_secret_is_no_problem()
    {
        Assert.Empty(TrustedCountrySecrets.Problems(["KZ", "UZ"], ["UZ", "KZ", "KG"]));
    }

    [Fact]
    public void Each_trusted_country_without_a_secret_is_one_problem_naming_its_key()
    {
        var problems = TrustedCountrySecrets.Problems(["TJ", "KZ", "AM", "TJ"], ["KZ"]);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith($"{At}AM is missing (environment Registry__Pseudonymisation__CountrySecrets__AM", problems[0], StringComparison.Ordinal);
        Assert.StartsWith($"{At}TJ is missing (environment Registry__Pseudonymisation__CountrySecrets__TJ", problems[1], StringComparison.Ordinal);
        Assert.Contains("Secret registry-pseudonymisation", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_module_refuses_to_start_when_a_federated_country_has_no_secret()
    {
        var invalid = Assert.Throws<OptionsValidationException>(() => Start(new Dictionary<string, string?>
        {
            ["Federation:Issuers:0:Issuer"] = "https://id.example/",
            ["Federation:Issuers:0:Consortium"] = "true",
            ["Federation:Issuers:1:Issuer"] = "https://id.kz.example/",
            ["Federation:Issuers:1:Country"] = "KZ",
            ["Federation:Issuers:2:Issuer"] = "https://id.tj.example/",
            ["Federation:Issuers:2:Country"] = "TJ",
            [$"{At}KZ"] = Secret(0),
        }));

        Assert.Contains($"{At}TJ is missing (environment Registry__Pseudonymisation__CountrySecrets__TJ", Assert.Single(invalid.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void The_module_starts_when_every_federated_country_has_its_secret()
    {
        var options = Start(new Dictionary<string, string?>(FederationSettings.OneIssuer) { [$"{At}KZ"] = Secret(0), [$"{At}UZ"] = Secret(9) });

        Assert.Equal(["KZ", "UZ"], options.Pseudonymisation.CountrySecrets.Keys.Order(StringComparer.Ordinal));
    }

    private static RegistryOptions Start(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddRouting();
        new RegistryModule().AddServices(builder);
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<RegistryOptions>>().Value;
    }
}
