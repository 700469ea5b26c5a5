using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

public sealed class PseudonymisationOptionsTests
{
    private const string At = "Registry:Pseudonymisation:CountrySecrets:";

    private static readonly string ThirtyOneBytes = Convert.ToBase64String(new byte[31]);

    [Fact]
    public void Secrets_of_32_bytes_or_more_for_country_codes_are_valid()
    {
        var options = Options(("KZ", Secret(0)), ("UZ", Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)(i * 3)).ToArray())));

        Assert.Empty(options.Problems());
        Assert.True(Validated(options).Succeeded);
    }

    // Each case is one bad setting beside a good one, and the one problem it must give.
    public static TheoryData<string, string, string> SingleProblems => new()
    {
        { "kz", Secret(1), $"{At}kz: the key is not an ISO 3166-1 alpha-2 code in capitals" },
        { "KAZ", Secret(1), $"{At}KAZ: the key is not an ISO 3166-1 alpha-2 code in capitals" },
        { "K1", Secret(1), $"{At}K1: the key is not an ISO 3166-1 alpha-2 code in capitals" },
        { "", Secret(1), $"{At}: the key is not an ISO 3166-1 alpha-2 code in capitals" },
        { "UZ", "", $"{At}UZ is empty" },
        { "UZ", "   ", $"{At}UZ is empty" },
        { "UZ", "not base64!", $"{At}UZ is not base64" },
        { "UZ", "QUJD=", $"{At}UZ is not base64" },
        { "UZ", ThirtyOneBytes, $"{At}UZ decodes to 31 bytes; at least 32 random bytes are needed" },
        { "UZ", Secret(0), "KZ, UZ share one secret; each country needs its own" },
    };

    [Theory]
    [MemberData(nameof(SingleProblems))]
    public void Each_bad_setting_is_one_problem(string country, string secret, string problem)
    {
        var options = Options(("KZ", Secret(0)), (country, secret));

        Assert.Equal(problem, Assert.Single(options.Problems()));
    }

    [Fact]
    public void No_secret_at_all_is_a_problem()
    {
        Assert.Equal("no country secret is configured (Registry:Pseudonymisation:CountrySecrets)", Assert.Single(new PseudonymisationOptions().Problems()));
    }

    [Fact]
    public void Validate_lists_every_problem_and_no_secret()
    {
        var shortSecret = Convert.ToBase64String([1, 2, 3, 4, 5, 6, 7, 8]);
        var options = Options(("KZ", Secret(0)), ("uz", Secret(50)), ("KG", "secret-but-not-base64"), ("TJ", shortSecret));

        var invalid = Validated(options);

        string[] problems =
        [
            $"{At}KG is not base64",
            $"{At}TJ decodes to 8 bytes; at least 32 random bytes are needed",
            $"{At}uz: the key is not an ISO 3166-1 alpha-2 code in capitals",
        ];
        Assert.Equal(problems, options.Problems());
        Assert.All(problems, problem => Assert.Contains(problem, invalid.FailureMessage, StringComparison.Ordinal));
        Assert.DoesNotContain(shortSecret, invalid.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-but-not-base64", invalid.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret(50), invalid.FailureMessage, StringComparison.Ordinal);
    }

    // The settings as the registry checks them at start: through the source-generated validator.
    private static ValidateOptionsResult Validated(PseudonymisationOptions pseudonymisation)
    {
        var options = new RegistryOptions();
        foreach (var (country, secret) in pseudonymisation.CountrySecrets)
        {
            options.Pseudonymisation.CountrySecrets[country] = secret;
        }
        return new RegistryOptionsValidator().Validate(null, options);
    }

    [Fact]
    public void Secrets_bind_from_the_Registry_Pseudonymisation_section()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{At}KZ"] = Secret(0),
                [$"{At}UZ"] = Secret(100),
            })
            .Build();
        var options = new PseudonymisationOptions();

        configuration.GetSection(PseudonymisationOptions.Section).Bind(options);

        Assert.Equal(new Dictionary<string, string> { ["KZ"] = Secret(0), ["UZ"] = Secret(100) }, options.CountrySecrets);
        Assert.Equal("KZ-9HT9-XTTG-DH57-TKQN", new Pseudonymiser(options).Derive("KZ", "010150500123"));
    }

    [Fact]
    public void The_module_refuses_unusable_secrets_naming_each_setting_but_never_its_value()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(FederationSettings.OneIssuer.Concat(new Dictionary<string, string?>
        {
            [$"{At}KZ"] = Secret(0),
            [$"{At}KG"] = "secret-but-not-base64",
            [$"{At}UZ"] = ThirtyOneBytes,
        }));
        builder.Services.AddRouting();
        new RegistryModule().AddServices(builder);
        using var services = builder.Services.BuildServiceProvider();

        var invalid = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RegistryOptions>>().Value);

        Assert.Equal(2, invalid.Failures.Count());
        Assert.Contains($"{At}KG is not base64", invalid.Message, StringComparison.Ordinal);
        Assert.Contains($"{At}UZ decodes to 31 bytes; at least 32 random bytes are needed", invalid.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-but-not-base64", invalid.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ThirtyOneBytes, invalid.Message, StringComparison.Ordinal);
    }
}
