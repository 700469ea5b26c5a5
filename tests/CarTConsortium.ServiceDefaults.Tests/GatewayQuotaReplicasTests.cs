using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Gateway;
using Microsoft.Extensions.Options;
using Xunit;

namespace CarTConsortium.ServiceDefaults.Tests;

/// <summary>How the gateway's consortium-wide quotas divide among its replicas (RateLimits:Replicas).</summary>
public sealed class GatewayQuotaReplicasTests
{
    [Fact]
    public void With_two_replicas_each_allows_half_of_every_quota_rounded_down_in_the_same_window()
    {
        var limits = ValidatedSettingsTests.Configuration([
            ("RateLimits:Replicas", "2"),
            ("RateLimits:PerCountry:PermitLimit", "3000"),
            ("RateLimits:Countries:KG:PermitLimit", "101"),
            ("RateLimits:Countries:KG:Window", "00:10:00"),
        ]).GetValidatedSettings<RateLimitOptions, RateLimitOptionsValidator>();

        Assert.Equal(1500, limits.PerReplica(limits.PerCountry).PermitLimit);
        Assert.Equal(300, limits.PerReplica(limits.PerClient).PermitLimit);
        var kg = limits.PerReplica(limits.Countries["KG"]);
        Assert.Equal(50, kg.PermitLimit);
        Assert.Equal(TimeSpan.FromMinutes(10), kg.Window);
    }

    [Fact]
    public void One_replica_by_default_enforces_the_quota_as_configured()
    {
        var limits = ValidatedSettingsTests.Configuration([("RateLimits:PerCountry:PermitLimit", "7")])
            .GetValidatedSettings<RateLimitOptions, RateLimitOptionsValidator>();

        Assert.Equal(1, limits.Replicas);
        Assert.Equal(7, limits.PerReplica(limits.PerCountry).PermitLimit);
    }

    [Fact]
    public void A_quota_smaller_than_the_replica_count_is_refused_since_a_replica_would_allow_nothing()
    {
        var configuration = ValidatedSettingsTests.Configuration([
            ("RateLimits:Replicas", "3"),
            ("RateLimits:Clients:kz-demo:PermitLimit", "2"),
        ]);

        var error = Assert.Throws<OptionsValidationException>(() => configuration.GetValidatedSettings<RateLimitOptions, RateLimitOptionsValidator>());

        Assert.Contains("RateLimits:Clients:kz-demo:PermitLimit = '2': must be at least RateLimits:Replicas (3)", error.Message, StringComparison.Ordinal);
    }
}
