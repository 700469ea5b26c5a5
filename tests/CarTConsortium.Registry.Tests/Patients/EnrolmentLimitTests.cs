using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using Xunit;

namespace CarTConsortium.Registry.Tests.Patients;

/// <summary>The per-institution enrolment limit as a plain rule: fixed windows, the count, the refusal.</summary>
public sealed class EnrolmentLimitTests
{
    private static readonly EnrolmentLimit ThreeAnHour = new(3, TimeSpan.FromHours(1));
    private static readonly DateTimeOffset At = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-03-10T09:00:00Z", "2026-03-10T09:00:00Z")]
    [InlineData("2026-03-10T09:59:59Z", "2026-03-10T09:00:00Z")]
    [InlineData("2026-03-10T10:00:00Z", "2026-03-10T10:00:00Z")]
    [InlineData("2026-03-10T12:30:00+03:00", "2026-03-10T09:00:00Z")]
    public void A_window_starts_at_a_whole_multiple_of_its_length(string now, string start)
    {
        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            ThreeAnHour.WindowStartAt(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Each_enrolment_counts_until_the_limit_and_the_next_is_refused_naming_the_limit()
    {
        EnrolmentWindow? window = null;
        for (var i = 1; i <= 3; i++)
        {
            window = ThreeAnHour.Counted(window, "kz-astana-childrens", At);
            Assert.Equal(new EnrolmentWindow("kz-astana-childrens", At.AddMinutes(-30), i), window);
        }

        var refused = Assert.Throws<RuleViolationException>(() => ThreeAnHour.Counted(window, "kz-astana-childrens", At.AddMinutes(29)));

        Assert.Equal("'kz-astana-childrens' has enrolled 3 patients since 2026-03-10 09:00:00Z: the limit is 3 per 01:00:00 "
            + "(Registry:Enrolment:PermitLimit per Registry:Enrolment:Window); more can be enrolled from 2026-03-10 10:00:00Z.", refused.Message);
    }

    [Fact]
    public void A_full_window_of_an_earlier_hour_does_not_count_in_the_next()
    {
        var full = new EnrolmentWindow("kz-astana-childrens", At.AddMinutes(-30), 3);

        Assert.Equal(new EnrolmentWindow("kz-astana-childrens", At.AddMinutes(30), 1), ThreeAnHour.Counted(full, "kz-astana-childrens", At.AddMinutes(30)));
    }

    [Fact]
    public void Each_institution_and_window_has_its_own_document()
    {
        var start = ThreeAnHour.WindowStartAt(At);

        Assert.NotEqual(EnrolmentLimit.IdOf("kz-astana-childrens", start), EnrolmentLimit.IdOf("uz-ncmc-tashkent", start));
        Assert.NotEqual(EnrolmentLimit.IdOf("kz-astana-childrens", start), EnrolmentLimit.IdOf("kz-astana-childrens", start.AddHours(1)));
    }

    [Theory]
    [InlineData(0, "01:00:00", "Registry:Enrolment:PermitLimit = '0': must be from 1 to 100000")]
    [InlineData(100_001, "01:00:00", "Registry:Enrolment:PermitLimit = '100001': must be from 1 to 100000")]
    [InlineData(10, "00:00:59", "Registry:Enrolment:Window = '00:00:59': must be from one minute to 31 days")]
    [InlineData(10, "31.00:00:01", "Registry:Enrolment:Window = '31.00:00:01': must be from one minute to 31 days")]
    public void A_limit_out_of_range_is_refused_at_start_naming_the_setting(int permitLimit, string window, string problem)
    {
        var options = new RegistryOptions();
        options.Pseudonymisation.CountrySecrets["KZ"] = PatientFixture.Secret(0);
        options.Enrolment.PermitLimit = permitLimit;
        options.Enrolment.Window = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture);

        var result = new RegistryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(problem, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void By_default_an_institution_enrols_ten_patients_an_hour()
    {
        Assert.Equal(new EnrolmentLimit(10, TimeSpan.FromHours(1)), new RegistryOptions().Enrolment.Limit());
    }
}
