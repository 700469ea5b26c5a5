using System.Globalization;
using Xunit;

namespace CarTConsortium.Procurement.Tests;

/// <summary>The procurement settings as the app checks them at start.</summary>
public sealed class ProcurementOptionsTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("01:00:01")]
    public void A_closing_check_interval_outside_zero_to_one_hour_is_refused_naming_the_setting_and_the_value(string interval)
    {
        var options = new ProcurementOptions { ClosingCheckInterval = TimeSpan.Parse(interval, CultureInfo.InvariantCulture) };

        var result = new ProcurementOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Procurement:ClosingCheckInterval = '{interval}': must be more than zero and at most one hour", result.FailureMessage,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("00:01:00")]
    [InlineData("01:00:00")]
    public void A_closing_check_interval_within_zero_to_one_hour_is_accepted(string interval)
    {
        var options = new ProcurementOptions { ClosingCheckInterval = TimeSpan.Parse(interval, CultureInfo.InvariantCulture) };

        Assert.True(new ProcurementOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(677)]
    public void A_disclosure_number_of_countries_outside_1_to_676_is_refused_naming_the_setting(int countries)
    {
        var options = new ProcurementOptions { Disclosure = new DisclosureSettings { MinCountries = countries } };

        var result = new ProcurementOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Procurement:Disclosure:MinCountries = '{countries}': must be from 1 (always show exact totals) to 676", result.FailureMessage,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(676)]
    public void A_disclosure_number_of_countries_from_1_to_676_is_accepted(int countries)
    {
        var options = new ProcurementOptions { Disclosure = new DisclosureSettings { MinCountries = countries } };

        Assert.True(new ProcurementOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void By_default_exact_totals_are_shown_from_three_countries() => Assert.Equal(3, new ProcurementOptions().Disclosure.MinCountries);
}
