using CarTConsortium.Identity.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary><c>Identity:DatabaseProvider</c>: checked with the other settings, and it picks the context (and so the migrations).</summary>
public sealed class DatabaseProviderSettingsTests
{
    [Fact]
    public void An_unknown_provider_is_refused_naming_the_setting_and_the_choices()
    {
        var settings = ReplicaStores.Settings("unused.db");
        settings.DatabaseProvider = "Oracle";

        var result = new IdentitySettingsValidator().Validate(null, settings);

        Assert.True(result.Failed);
        Assert.Contains("Identity:DatabaseProvider = 'Oracle': must be one of Sqlite, PostgreSql", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, typeof(SqliteIdentityStore))]
    [InlineData("Sqlite", typeof(SqliteIdentityStore))]
    [InlineData("PostgreSql", typeof(PostgreSqlIdentityStore))]
    [InlineData("postgresql", typeof(PostgreSqlIdentityStore))]
    public void The_provider_picks_the_context(string? provider, Type expected)
    {
        var settings = ReplicaStores.Settings("unused.db");
        if (provider is not null)
        {
            settings.DatabaseProvider = provider;
        }
        settings.Database = provider?.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) == true ? "Host=unused.invalid;Database=identity" : "Data Source=unused.db";
        Assert.False(new IdentitySettingsValidator().Validate(null, settings).Failed);

        using var replica = ReplicaStores.Replica(settings, TimeProvider.System);
        using var scope = replica.CreateScope();

        Assert.IsType(expected, scope.ServiceProvider.GetRequiredService<IdentityStore>());
    }
}
