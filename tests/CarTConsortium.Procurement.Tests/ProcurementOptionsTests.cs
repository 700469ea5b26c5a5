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
}
