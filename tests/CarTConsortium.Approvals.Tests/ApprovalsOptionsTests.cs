using Xunit;

namespace CarTConsortium.Approvals.Tests;

/// <summary>The approvals settings as the start-up check sees them: a bad one is named with its value.</summary>
public sealed class ApprovalsOptionsTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    [InlineData("1.00:00:01")]
    public void An_expiry_interval_of_nothing_or_over_a_day_is_refused_naming_the_setting_and_the_value(string interval)
    {
        var result = new ApprovalsOptionsValidator().Validate(null, new ApprovalsOptions { ExpiryCheckInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains($"Approvals:ExpiryCheckInterval = '{interval}': must be more than zero and at most one day", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("01:00:00")]
    [InlineData("1.00:00:00")]
    public void An_expiry_interval_up_to_a_day_is_accepted(string interval)
    {
        var result = new ApprovalsOptionsValidator().Validate(null, new ApprovalsOptions { ExpiryCheckInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Succeeded);
    }
}
