using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Leases;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Eventing.Dapr;
using CarTConsortium.Gateway;
using CarTConsortium.Gateway.OpenApi;
using CarTConsortium.Identity;
using CarTConsortium.Portal;
using CarTConsortium.ServiceDefaults.Security;
using CarTConsortium.Storage.MongoDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace CarTConsortium.ServiceDefaults.Tests;

/// <summary>
/// Every settings class outside the four services is read the one way: a bad value is refused, and
/// the message names the setting and the value. Those the wiring needs at once are read with
/// <see cref="ValidatedSettings.GetValidatedSettings"/>; the others are checked when the app starts.
/// </summary>
public sealed class SettingsClassesTests
{
    /// <summary>The settings the wiring reads at once, by class.</summary>
    private static readonly Dictionary<string, Func<IConfiguration, object>> ReadAtOnce = new()
    {
        [nameof(FederationOptions)] = c => c.GetValidatedSettings<FederationOptions, FederationOptionsValidator>(),
        [nameof(IdentitySettings)] = c => c.GetValidatedSettings<IdentitySettings, IdentitySettingsValidator>(),
        [nameof(PortalOptions)] = c => c.GetValidatedSettings<PortalOptions, PortalOptionsValidator>(),
        [nameof(RateLimitOptions)] = c => c.GetValidatedSettings<RateLimitOptions, RateLimitOptionsValidator>(),
        [nameof(ApiReferenceOptions)] = c => c.GetValidatedSettings<ApiReferenceOptions, ApiReferenceOptionsValidator>(),
    };

    /// <summary>The settings checked at start, by class: how an app registers them, and how it reads them.</summary>
    private static readonly Dictionary<string, (Action<IServiceCollection, IConfiguration> Register, Func<IServiceProvider, object> Read)> AtStart = new()
    {
        [nameof(MongoStorageOptions)] = ((s, c) => s.AddMongoStorage(c), p => p.GetRequiredService<IOptions<MongoStorageOptions>>().Value),
        [nameof(EventingOptions)] = ((s, c) => s.AddEventingCore(c), p => p.GetRequiredService<IOptions<EventingOptions>>().Value),
        [nameof(DaprEventingOptions)] = ((s, c) => s.AddDaprEventing(c), p => p.GetRequiredService<IOptions<DaprEventingOptions>>().Value),
        [nameof(LeaseOptions)] = ((s, c) => s.AddSingleton(c).AddLeases(), p => p.GetRequiredService<IOptions<LeaseOptions>>().Value),
        [nameof(EventRetentionOptions)] = ((s, c) => s.AddValidatedSettings<EventRetentionOptions, EventRetentionOptionsValidator>(c),
            p => p.GetRequiredService<IOptions<EventRetentionOptions>>().Value),
    };

    public static TheoryData<string, string, string, string> BadAtOnce => new()
    {
        { nameof(FederationOptions), "Federation:Issuers:0:Country", "Kazakhstan", "Federation:Issuers:0:Country = 'Kazakhstan': is not an ISO 3166-1 alpha-2 code in capitals" },
        { nameof(FederationOptions), "Federation:Audience", " ", "Federation:Audience = ' ': must name the audience" },
        { nameof(FederationOptions), "Federation:MaxTokenLifetime", "00:00:00", "Federation:MaxTokenLifetime = '00:00:00': must be over 0" },
        { nameof(FederationOptions), "Federation:MetadataTimeout", "-00:00:01", "Federation:MetadataTimeout = '-00:00:01': must be over 0" },
        { nameof(IdentitySettings), "Identity:Issuer", "/relative/", "Identity:Issuer = '/relative/': must be an absolute http(s) URL without query or fragment" },
        { nameof(PortalOptions), "Portal:GatewayGrpc", "ftp://gateway:5000", "Portal:GatewayGrpc = 'ftp://gateway:5000': must be the gateway's absolute http(s) gRPC address" },
        { nameof(RateLimitOptions), "RateLimits:Countries:KG:PermitLimit", "0", "RateLimits:Countries:KG:PermitLimit = '0': must be at least 1" },
        { nameof(RateLimitOptions), "RateLimits:Replicas", "0", "RateLimits:Replicas = '0': must be from 1 to 64" },
        { nameof(ApiReferenceOptions), "OpenApi:PublicUrl", "ftp://api.example.org/", "OpenApi:PublicUrl = 'ftp://api.example.org/': is not an absolute http(s) address" },
    };

    public static TheoryData<string, string, string, string> BadAtStart => new()
    {
        { nameof(MongoStorageOptions), "Storage:MongoDb:Database", " ", "Storage:MongoDb:Database = ' ': is not set" },
        { nameof(EventingOptions), "Eventing:DeadLetterAfter", "00:00:00", "Eventing:DeadLetterAfter = '00:00:00': must be over 0 and at most 30 days" },
        { nameof(EventingOptions), "Eventing:DeadLetterAfter", "31.00:00:00", "Eventing:DeadLetterAfter = '31.00:00:00': must be over 0 and at most 30 days" },
        { nameof(DaprEventingOptions), "Eventing:Dapr:PubSubName", " ", "Eventing:Dapr:PubSubName = ' ': must name the Dapr pub/sub component" },
        { nameof(LeaseOptions), "Leases:Duration", "00:00:00.500", "Leases:Duration = '00:00:00.5000000': must be 1 second to 10 minutes" },
        { nameof(EventRetentionOptions), "Eventing:Retention", "1.00:00:00", "Eventing:Retention = '1.00:00:00': must be at least twice Eventing:DeadLetterAfter (2.00:00:00)" },
        // A longer delivery budget needs a longer retention: a redelivery must never outlive its inbox mark.
        { nameof(EventRetentionOptions), "Eventing:DeadLetterAfter", "10.00:00:00", "Eventing:Retention = '7.00:00:00': must be at least twice Eventing:DeadLetterAfter (20.00:00:00)" },
        // A pruned record would make a key still honoured (24 hours) a new request.
        { nameof(EventRetentionOptions), "Eventing:IdempotencyKeyRetention", "12:00:00", "Eventing:IdempotencyKeyRetention = '12:00:00': must be at least 1.00:00:00 (how long a request_id is honoured)" },
    };

    [Theory]
    [MemberData(nameof(BadAtOnce))]
    public void A_bad_value_the_wiring_reads_is_refused_naming_the_setting_and_the_value(string settings, string key, string value, string expected)
    {
        var configuration = ValidatedSettingsTests.Configuration([(key, value)]);

        var error = Assert.Throws<OptionsValidationException>(() => ReadAtOnce[settings](configuration));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadAtStart))]
    public void A_bad_value_checked_at_start_is_refused_naming_the_setting_and_the_value(string settings, string key, string value, string expected)
    {
        var services = new ServiceCollection();
        AtStart[settings].Register(services, ValidatedSettingsTests.Configuration([(key, value)]));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => AtStart[settings].Read(provider));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Federation_with_one_country_issuer_is_read()
    {
        var configuration = ValidatedSettingsTests.Configuration([("Federation:Issuers:0:Issuer", "https://idp-kz.example.org/"), ("Federation:Issuers:0:Country", "KZ")]);

        var federation = configuration.GetValidatedSettings<FederationOptions, FederationOptionsValidator>();

        Assert.Equal("KZ", Assert.Single(federation.Issuers).Country);
    }

    [Fact]
    public void Federation_without_issuers_is_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => ReadAtOnce[nameof(FederationOptions)](ValidatedSettingsTests.Configuration([])));

        Assert.Contains("Federation:Issuers = '': no trusted issuer is configured", error.Message, StringComparison.Ordinal);
    }
}
