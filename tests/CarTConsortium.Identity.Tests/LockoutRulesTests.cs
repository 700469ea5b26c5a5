using System.Net;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Identity.SignInProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>The lock-out rules alone, on instants chosen by hand: 3 failures in 10 minutes lock for 1 minute, then 2, 4, at most 5.</summary>
public sealed class LockoutRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan[] Doubling = [.. new[] { 1, 2, 4, 5, 5, 5 }.Select(m => TimeSpan.FromMinutes(m))];

    private static readonly SignInProtectionSettings Settings = new()
    {
        AccountFailures = 3,
        SourceFailures = 10,
        Window = TimeSpan.FromMinutes(10),
        FirstLockout = TimeSpan.FromMinutes(1),
        MaxLockout = TimeSpan.FromMinutes(5),
    };

    private static FailureRecord? Fail(FailureRecord? record, DateTimeOffset at, out bool locked) =>
        LockoutRules.AfterFailure(record, at, 3, Settings, out locked);

    [Fact]
    public void The_threshold_failure_within_the_window_locks_for_the_first_lockout_and_not_before()
    {
        var record = Fail(null, T0, out var first);
        record = Fail(record, T0.AddMinutes(4), out var second);
        Assert.False(first || second);
        Assert.False(LockoutRules.IsLocked(record, T0.AddMinutes(4)));

        record = Fail(record, T0.AddMinutes(9), out var third);

        Assert.True(third);
        Assert.Equal(T0.AddMinutes(10), record!.LockedUntil);
        Assert.True(LockoutRules.IsLocked(record, T0.AddMinutes(10).AddTicks(-1)));
        Assert.False(LockoutRules.IsLocked(record, T0.AddMinutes(10)));
    }

    [Fact]
    public void Failures_further_apart_than_the_window_never_lock()
    {
        FailureRecord? record = null;
        for (var i = 0; i < 10; i++)
        {
            record = Fail(record, T0.AddMinutes(i * 5.5), out var locked);
            Assert.False(locked, $"failure {i}");
        }
    }

    [Fact]
    public void Attempts_while_locked_neither_count_nor_extend_the_lock()
    {
        var record = Fail(Fail(Fail(null, T0, out _), T0, out _), T0, out _);

        var during = Fail(record, T0.AddSeconds(30), out var locked);

        Assert.False(locked);
        Assert.Same(record, during);
    }

    [Fact]
    public void Each_lockout_in_a_row_lasts_twice_as_long_up_to_the_maximum()
    {
        Assert.Equal(Doubling, Enumerable.Range(0, 6).Select(n => LockoutRules.LockoutDuration(n, Settings)));
        Assert.Equal(TimeSpan.FromMinutes(5), LockoutRules.LockoutDuration(int.MaxValue, Settings));

        FailureRecord? record = null;
        var now = T0;
        var durations = new List<TimeSpan>();
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                record = Fail(record, now, out _);
            }
            durations.Add(record!.LockedUntil!.Value - now);
            now = record.LockedUntil.Value;
        }
        Assert.Equal(Doubling[..4], durations);
    }

    [Fact]
    public void After_a_quiet_maximum_lockout_the_next_lockout_is_short_again()
    {
        var record = Fail(Fail(Fail(null, T0, out _), T0, out _), T0, out _);
        var later = T0.AddMinutes(1) + Settings.MaxLockout;

        record = Fail(Fail(Fail(record, later, out _), later, out _), later, out var locked);

        Assert.True(locked);
        Assert.Equal(later.AddMinutes(1), record!.LockedUntil);
        Assert.Equal(1, record.Lockouts);
    }

    [Theory]
    [InlineData(0.2, 1)]
    [InlineData(1, 1)]
    [InlineData(1.01, 2)]
    [InlineData(59.5, 60)]
    public void Retry_after_is_the_whole_seconds_left_and_at_least_one(double secondsLeft, int expected) =>
        Assert.Equal(expected, LockoutRules.RetryAfterSeconds(T0.AddSeconds(secondsLeft), T0));

    [Theory]
    [InlineData("203.0.113.5", "203.0.113.5")]
    [InlineData("::ffff:203.0.113.5", "203.0.113.5")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void A_source_is_an_IPv4_address_or_an_IPv6_64_prefix(string address, string expected) =>
        Assert.Equal(expected, SourceAddress.Of(IPAddress.Parse(address)));

    [Fact]
    public void Overlong_names_are_stored_under_a_bounded_key_and_accounts_ignore_case()
    {
        var key = Subject.Account(new string('x', 5000)).Key;

        Assert.True(key.Length <= Storage.FailureEntry.MaxKeyLength, key);
        Assert.NotEqual(key, Subject.Account(new string('x', 4999)).Key);
        Assert.Equal(Subject.Account(" Coordinator ").Key, Subject.Account("COORDINATOR").Key);
        Assert.NotEqual(Subject.Client("a").Key, Subject.Source("a").Key);
    }

    [Theory]
    [InlineData("AccountFailures", "0", "Identity:SignInProtection:AccountFailures = '0': must be between 1 and 1000")]
    [InlineData("SourceFailures", "2", "Identity:SignInProtection:SourceFailures = '2': must be at least Identity:SignInProtection:AccountFailures (5)")]
    [InlineData("Window", "00:00:00", "Identity:SignInProtection:Window = '00:00:00': must be over 0")]
    [InlineData("FirstLockout", "-00:01:00", "Identity:SignInProtection:FirstLockout = '-00:01:00': must be over 0")]
    [InlineData("MaxLockout", "00:00:30", "Identity:SignInProtection:MaxLockout = '00:00:30': must be at least Identity:SignInProtection:FirstLockout")]
    public void A_bad_protection_setting_is_named(string name, string value, string expected)
    {
        var settings = IdentityProviderHost.Settings("KZ", "x.db", 5999);
        settings[$"Identity:SignInProtection:{name}"] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var error = Assert.Throws<OptionsValidationException>(() => { configuration.GetValidatedSettings<IdentitySettings, IdentitySettingsValidator>(); });

        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }
}
