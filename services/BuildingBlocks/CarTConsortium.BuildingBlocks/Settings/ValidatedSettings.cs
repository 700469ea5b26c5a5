using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CarTConsortium.BuildingBlocks.Settings;

/// <summary>A settings class bound from one configuration section.</summary>
public interface ISettingsSection
{
    /// <summary>The section's path, e.g. "Slots" or "Slots:Fairness".</summary>
    static abstract string Section { get; }
}

/// <summary>
/// The one way settings are read and checked: bound from their section and validated by a
/// source-generated validator (<c>[OptionsValidator] partial class XValidator : IValidateOptions&lt;X&gt;</c>),
/// which checks the class's DataAnnotations and its <see cref="IValidatableObject.Validate"/>. Every
/// message names the setting and the value read (<see cref="Setting.Problem"/>), so an app that
/// refuses to start says exactly what to fix. Settings the app reads through options are checked at
/// start (<see cref="AddValidatedSettings"/>); settings the wiring itself needs, before the container
/// exists, are read and checked at once (<see cref="GetValidatedSettings"/>), by the same validator.
/// </summary>
public static class ValidatedSettings
{
    /// <summary>Binds <typeparamref name="TSettings"/> from its section for <c>IOptions&lt;TSettings&gt;</c>, validated at start.</summary>
    public static OptionsBuilder<TSettings> AddValidatedSettings<TSettings, TValidator>(this IServiceCollection services, IConfiguration configuration)
        where TSettings : class, ISettingsSection
        where TValidator : class, IValidateOptions<TSettings>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TSettings>, TValidator>());
        return services.AddOptions<TSettings>().Bind(configuration.GetSection(TSettings.Section)).ValidateOnStart();
    }

    /// <summary>
    /// Binds <typeparamref name="TSettings"/> from its section and validates it now, for wiring that
    /// needs the values before the container is built.
    /// </summary>
    /// <exception cref="OptionsValidationException">The settings are invalid; its failures name each setting and its value.</exception>
    public static TSettings GetValidatedSettings<TSettings, TValidator>(this IConfiguration configuration)
        where TSettings : class, ISettingsSection, new()
        where TValidator : class, IValidateOptions<TSettings>, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new TSettings();
        configuration.GetSection(TSettings.Section).Bind(settings);
        var result = new TValidator().Validate(Options.DefaultName, settings);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TSettings), result.Failures);
        }
        return settings;
    }
}

/// <summary>Problems with one setting, worded the same everywhere.</summary>
public static class Setting
{
    /// <summary>"Slots:HoldTime = '30.00:00:00': must be over 0 and at most 14 days".</summary>
    public static ValidationResult Problem(string section, string name, object? value, string rule) =>
        new($"{section}:{name} = '{Format(value)}': {rule}", [name]);

    private static string Format(object? value) => value switch
    {
        null => "",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
