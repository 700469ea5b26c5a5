using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

/// <summary>
/// Issue 15, failure 9: the demo's pseudonymisation secrets (services/Standalone/appsettings.json,
/// tye.yaml) were used by whoever ran without overriding them, and with them a pseudonym was
/// recomputed and a national id recovered by guessing. Outside the demo they are now refused.
/// </summary>
public sealed class DemoSecretAbuseTests
{
    private const string At = "Registry:Pseudonymisation:CountrySecrets:";

    /// <summary>The secrets the standalone demo ships, read from its settings file as the host reads them.</summary>
    private static Dictionary<string, string> StandaloneDemoSecrets()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "CarTConsortium.sln")))
        {
            dir = dir.Parent;
        }
        var settings = new ConfigurationBuilder().AddJsonFile(Path.Combine(dir.FullName, "services", "Standalone", "appsettings.json")).Build();
        return settings.GetSection(At.TrimEnd(':')).GetChildren().ToDictionary(c => c.Key, c => c.Value!);
    }

    private static ServiceProvider Module(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(FederationSettings.OneIssuer.Concat(settings));
        builder.Services.AddRouting();
        new RegistryModule().AddServices(builder);
        return builder.Services.BuildServiceProvider();
    }

    [Fact]
    public void The_module_with_the_demos_secrets_and_the_demo_off_refuses_to_start_naming_each_setting_but_no_secret()
    {
        var demo = StandaloneDemoSecrets();
        Assert.Equal(["KG", "KZ", "UZ"], demo.Keys.Order(StringComparer.Ordinal));
        using var services = Module(demo.Select(d => KeyValuePair.Create($"{At}{d.Key}", (string?)d.Value)));

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RegistryOptions>>().Value);

        Assert.Equal(3, refused.Failures.Count());
        foreach (var country in demo.Keys)
        {
            Assert.Contains($"{At}{country} is the demo's published secret; set the country's own (e.g. openssl rand -base64 32), "
                + "or Registry:Pseudonymisation:AllowDemoSecrets=true for a demo or development run only", refused.Message, StringComparison.Ordinal);
        }
        Assert.All(demo.Values, secret => Assert.DoesNotContain(secret, refused.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void One_demo_secret_among_the_countrys_own_is_refused_too()
    {
        var options = Options(("KZ", StandaloneDemoSecrets()["KZ"]), ("UZ", Secret(0)));

        Assert.Equal($"{At}KZ is the demo's published secret; set the country's own (e.g. openssl rand -base64 32), "
            + "or Registry:Pseudonymisation:AllowDemoSecrets=true for a demo or development run only", Assert.Single(options.Problems()));
    }

    [Fact]
    public void With_the_demo_explicitly_on_the_demos_secrets_start_the_registry()
    {
        var settings = StandaloneDemoSecrets().Select(d => KeyValuePair.Create($"{At}{d.Key}", (string?)d.Value))
            .Append(KeyValuePair.Create("Registry:Pseudonymisation:AllowDemoSecrets", (string?)"true"));
        using var services = Module(settings);

        var pseudonyms = services.GetRequiredService<Pseudonymiser>();

        Assert.Equal(["KG", "KZ", "UZ"], pseudonyms.Countries);
    }

    [Fact]
    public void A_countrys_own_secret_is_not_taken_for_a_demo_secret()
    {
        Assert.False(DemoSecrets.IsDemoSecret(Convert.FromBase64String(Secret(0))));
        Assert.All(StandaloneDemoSecrets().Values, s => Assert.True(DemoSecrets.IsDemoSecret(Convert.FromBase64String(s))));
    }
}
