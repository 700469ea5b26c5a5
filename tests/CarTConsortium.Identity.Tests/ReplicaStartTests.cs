using CarTConsortium.Identity.Storage;
using CarTConsortium.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>Two replicas of one provider started at the same moment on an empty database, as a fresh Deployment's pods.</summary>
public sealed class ReplicaStartTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-identity-replica-start-");

    [Fact]
    public async Task Both_migrate_and_synchronise_once_and_then_agree_on_keys_clients_and_users()
    {
        var port = IdentityProviderHost.FreePort();
        var issuer = $"http://127.0.0.1:{port}/";
        var starts = new[]
        {
            Task.Run(() => IdentityProviderHost.StartAsync("KZ", _folder, port: port)),
            Task.Run(() => IdentityProviderHost.StartAsync("KZ", _folder, adjust: s => s["Identity:Issuer"] = issuer)),
        };
        try
        {
            var hosts = await Task.WhenAll(starts);

            Assert.Equal(await hosts[0].PublishedKidsAsync(), await hosts[1].PublishedKidsAsync());
            var validated = await hosts[0].ValidateAsync(await hosts[1].ClientCredentialsTokenAsync());
            Assert.True(validated.IsValid, validated.Exception?.ToString());
            await using var scope = hosts[0].Services.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
            Assert.Equal(store.Database.GetMigrations(), await store.Database.GetAppliedMigrationsAsync());
            Assert.Equal(1, await store.Users.CountAsync());
            Assert.Equal(1, await store.Keys.CountAsync(k => k.Use == KeyMaterial.Signing));
        }
        finally
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await (await start).DisposeAsync();
            }
        }
    }

    public void Dispose() => _folder.Dispose();
}
