using CarTConsortium.Identity.Keys;
using CarTConsortium.Identity.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CarTConsortium.Identity;

/// <summary>
/// Before the server listens: migrates the schema, makes the stored scopes, clients and users
/// exactly those of the configuration (unconditionally, on every start; ids and kids are
/// kept), and loads or creates the keys.
/// </summary>
internal sealed class ConfigurationSync(IServiceScopeFactory scopes, IdentitySettings settings, SigningKeyRing ring, ILogger<ConfigurationSync> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
            if (store.Database.IsSqlite())
            {
                DatabaseFiles.Prepare(settings.Database);
            }
            await SchemaUpgrade.MigrateAsync(store, cancellationToken);
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SyncAsync(cancellationToken);
                break;
            }
            catch (Exception e) when (attempt < MaxSyncAttempts && IsConcurrentWrite(e))
            {
                // Another replica starting at the same time wrote the same client, scope or user first: the sync
                // reads what is stored and makes it the configuration's, so running it again settles it.
                ConfigurationSyncLog.SyncRepeated(logger, attempt);
            }
        }
        var keys = ring.Current();
        ConfigurationSyncLog.Ready(logger, settings.Issuer, settings.Clients.Count, settings.Users.Count, keys.Signing.Kid);
    }

    // Each conflict means the other replica stored rows meanwhile; the rows are few, so a few rounds settle it.
    private const int MaxSyncAttempts = 10;

    private async Task SyncAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await SyncScopesAsync(services.GetRequiredService<IOpenIddictScopeManager>(), ct);
        await SyncClientsAsync(services.GetRequiredService<IOpenIddictApplicationManager>(), ct);
        await SyncUsersAsync(services.GetRequiredService<IdentityStore>(), services.GetRequiredService<IPasswordHasher<UserAccount>>(), ct);
    }

    private static bool IsConcurrentWrite(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            // OpenIddict checks a new client's or scope's name itself ("already exists") before the database would;
            // a genuine validation error only repeats and fails on the last attempt.
            if (e is DbUpdateException or OpenIddictExceptions.ConcurrencyException or OpenIddictExceptions.ValidationException)
            {
                return true;
            }
        }
        return false;
    }

    private static async Task SyncScopesAsync(IOpenIddictScopeManager manager, CancellationToken ct)
    {
        foreach (var name in IdentityVocabulary.ServiceScopes)
        {
            var descriptor = new OpenIddictScopeDescriptor { Name = name, DisplayName = $"The {name} service" };
            descriptor.Resources.Add(IdentityVocabulary.Audience);
            if (await manager.FindByNameAsync(name, ct) is { } existing)
            {
                await manager.UpdateAsync(existing, descriptor, ct);
            }
            else
            {
                await manager.CreateAsync(descriptor, ct);
            }
        }
    }

    private async Task SyncClientsAsync(IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        foreach (var client in settings.Clients)
        {
            var descriptor = Describe(client);
            var existing = await manager.FindByClientIdAsync(client.ClientId, ct);
            if (existing is null)
            {
                await manager.CreateAsync(descriptor, ct);
                continue;
            }
            // Keep the stored hash when the configured secret still matches: no rehash on every start.
            if (!client.Public && await manager.HasClientTypeAsync(existing, ClientTypes.Confidential, ct)
                && await manager.ValidateClientSecretAsync(existing, client.ClientSecret!, ct))
            {
                var stored = new OpenIddictApplicationDescriptor();
                await manager.PopulateAsync(stored, existing, ct);
                descriptor.ClientSecret = stored.ClientSecret;
            }
            await manager.UpdateAsync(existing, descriptor, ct);
        }

        var configured = settings.Clients.Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);
        var stale = new List<object>();
        await foreach (var application in manager.ListAsync(count: null, offset: null, ct))
        {
            if (!configured.Contains(await manager.GetClientIdAsync(application, ct) ?? ""))
            {
                stale.Add(application);
            }
        }
        foreach (var application in stale)
        {
            ConfigurationSyncLog.RemovingClient(logger, await manager.GetClientIdAsync(application, ct));
            await manager.DeleteAsync(application, ct);
        }
    }

    private static OpenIddictApplicationDescriptor Describe(ClientSettings client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = client.Public ? null : client.ClientSecret,
            ClientType = client.Public ? ClientTypes.Public : ClientTypes.Confidential,
            // First-party clients of the consortium: nobody is asked to consent.
            ConsentType = ConsentTypes.Implicit,
            DisplayName = client.DisplayName ?? client.ClientId,
        };
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        if (!client.Public)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }
        if (client.RedirectUris.Count > 0)
        {
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            if (client.Scopes.Contains(Scopes.OfflineAccess))
            {
                descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
            }
        }
        foreach (var scope in client.Scopes.Where(s => s is not (Scopes.OpenId or Scopes.OfflineAccess)))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }
        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }
        return descriptor;
    }

    private async Task SyncUsersAsync(IdentityStore store, IPasswordHasher<UserAccount> hasher, CancellationToken ct)
    {
        var existing = await store.Users.ToDictionaryAsync(u => u.NormalizedUserName, ct);
        var configured = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in settings.Users)
        {
            var normalized = UserAccount.Normalize(user.UserName);
            configured.Add(normalized);
            if (!existing.TryGetValue(normalized, out var account))
            {
                account = new UserAccount { Id = Guid.NewGuid().ToString("N"), NormalizedUserName = normalized };
                store.Users.Add(account);
            }
            account.UserName = user.UserName.Trim();
            account.DisplayName = user.DisplayName;
            account.Org = user.Org;
            account.Roles = string.Join(' ', user.Roles.Distinct(StringComparer.Ordinal));
            if (string.IsNullOrEmpty(account.PasswordHash)
                || hasher.VerifyHashedPassword(account, account.PasswordHash, user.Password) != PasswordVerificationResult.Success)
            {
                account.PasswordHash = hasher.HashPassword(account, user.Password);
            }
        }
        foreach (var stale in existing.Values.Where(u => !configured.Contains(u.NormalizedUserName)))
        {
            ConfigurationSyncLog.RemovingUser(logger, stale.UserName);
            store.Users.Remove(stale);
        }
        await store.SaveChangesAsync(ct);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        ring.StartSchedule();
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        ring.Dispose();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class ConfigurationSyncLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Identity provider {Issuer} ready: {Clients} clients, {Users} users, signing key {Kid}")]
    public static partial void Ready(ILogger logger, string issuer, int clients, int users, string? kid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another replica synchronised the configuration at the same time (attempt {Attempt}); synchronising again")]
    public static partial void SyncRepeated(ILogger logger, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removing client {ClientId}: no longer configured")]
    public static partial void RemovingClient(ILogger logger, string? clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removing user {UserName}: no longer configured")]
    public static partial void RemovingUser(ILogger logger, string userName);
}
