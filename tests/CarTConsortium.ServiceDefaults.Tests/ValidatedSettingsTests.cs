using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
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

    [Fact]
    public void Read_at_once_good_settings_bind_from_their_section()
    {
        var settings = Configuration([("Demo:Interval", "00:05:00"), ("Demo:Nested:Percent", "40")]).GetValidatedSettings<DemoSettings, DemoSettingsValidator>();

        Assert.Equal(TimeSpan.FromMinutes(5), settings.Interval);
        Assert.Equal(40, settings.Nested.Percent);
    }

    [Fact]
    public void Read_at_once_without_a_section_the_defaults_hold()
    {
        var settings = Configuration([]).GetValidatedSettings<DemoSettings, DemoSettingsValidator>();

        Assert.Equal(TimeSpan.FromMinutes(1), settings.Interval);
        Assert.Equal(0, settings.Nested.Percent);
    }

    [Fact]
    public void Read_at_once_a_bad_setting_is_refused_with_the_same_messages_as_at_start()
    {
        var configuration = Configuration([("Demo:Interval", "3.00:00:00"), ("Demo:Nested:Percent", "140")]);

        var error = Assert.Throws<OptionsValidationException>(() => configuration.GetValidatedSettings<DemoSettings, DemoSettingsValidator>());

        Assert.Equal(typeof(DemoSettings), error.OptionsType);
        Assert.Contains(error.Failures, f => f.Contains("Demo:Interval = '3.00:00:00': must be over 0 and at most 1 day", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Demo:Nested:Percent = '140': must be 0-100", StringComparison.Ordinal));
        Assert.Equal(2, error.Failures.Count());
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

    internal static IConfiguration Configuration((string Key, string Value)[] settings) =>
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
