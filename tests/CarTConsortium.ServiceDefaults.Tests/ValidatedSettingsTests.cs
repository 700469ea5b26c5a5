using System.ComponentModel.DataAnnotations;
using CarTConsortium.ServiceDefaults.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace CarTConsortium.ServiceDefaults.Tests;

public sealed partial class ValidatedSettingsTests
{
    [Fact]
    public void Good_settings_bind_from_their_section()
    {
        using var services = Build(("Demo:Interval", "00:05:00"), ("Demo:Nested:Percent", "40"));

        var settings = services.GetRequiredService<IOptions<DemoSettings>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(5), settings.Interval);
        Assert.Equal(40, settings.Nested.Percent);
    }

    [Fact]
    public async Task A_bad_setting_stops_the_start_naming_the_setting_and_the_value()
    {
        using var host = Host(("Demo:Interval", "3.00:00:00"), ("Demo:Nested:Percent", "140"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Demo:Interval = '3.00:00:00': must be over 0 and at most 1 day", error.Message, StringComparison.Ordinal);
        Assert.Contains("Demo:Nested:Percent = '140': must be 0-100", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddValidatedSettings<DemoSettings, DemoSettingsValidator>(Configuration(settings));
        return services.BuildServiceProvider();
    }

    private static IHost Host(params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddValidatedSettings<DemoSettings, DemoSettingsValidator>(Configuration(settings));
        return builder.Build();
    }

    private static IConfiguration Configuration((string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    public sealed class DemoSettings : ISettingsSection, IValidatableObject
    {
        public static string Section => "Demo";

        public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

        [ValidateObjectMembers]
        public NestedSettings Nested { get; set; } = new();

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Interval <= TimeSpan.Zero || Interval > TimeSpan.FromDays(1))
            {
                yield return Setting.Problem(Section, nameof(Interval), Interval, "must be over 0 and at most 1 day");
            }
        }
    }

    public sealed class NestedSettings : IValidatableObject
    {
        public int Percent { get; set; }

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Percent is < 0 or > 100)
            {
                yield return Setting.Problem("Demo:Nested", nameof(Percent), Percent, "must be 0-100");
            }
        }
    }

    [OptionsValidator]
    public sealed partial class DemoSettingsValidator : IValidateOptions<DemoSettings>;
}
