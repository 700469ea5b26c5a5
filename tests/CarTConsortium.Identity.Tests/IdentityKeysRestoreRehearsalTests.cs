using System.Net;
using System.Security.Cryptography;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// Issue 16, point 8: the restore rehearsal of docs/operations.md, "Identity providers' keys". A provider on its
/// SQLite file is backed up while it runs (<c>VACUUM INTO</c>, as the docs tell operators to run with sqlite3), its
/// file is lost, and a fresh provider on the restored copy with the same encryption key carries on: same signing
/// keys, the tokens, login cookie, refresh token and data-protected payloads made before the loss still accepted.
/// </summary>
public sealed class IdentityKeysRestoreRehearsalTests : IDisposable
{
    private const string EncryptionKeySetting = "Identity:SigningKeys:EncryptionKey";
    private const string Purpose = "cartc.restore-rehearsal";
    private static readonly TimeSpan Rotation = TimeSpan.FromDays(30);
    private static readonly TimeSpan PublishAhead = TimeSpan.FromDays(2);
    private const int MaxPeriods = 100;

    private readonly TemporaryFolder _folder = new("cartc-identity-restore-");

    private string Database => Path.Combine(_folder, "identity-KZ.db");

    private string Backup => Path.Combine(_folder, "backups", "identity-KZ-20261207.db");

    [Fact]
    public async Task A_provider_restored_from_a_live_backup_keeps_its_keys_tokens_login_cookies_and_protected_data()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var port = IdentityProviderHost.FreePort();
        using var browser = new BrowserSession();
        IReadOnlyList<string> kids;
        string token, refreshToken, protectedPayload;
        await using (var live = await IdentityProviderHost.StartAsync("KZ", _folder, clock, port))
        {
            kids = await live.PublishedKidsAsync();
            token = await live.ClientCredentialsTokenAsync();
            // A person signs in: a login cookie (data protection) and a refresh token (encryption key, token entry).
            var verifier = BrowserSession.NewVerifier();
            var code = await browser.SignInForCodeAsync(live.Issuer, verifier);
            var (status, tokens) = await live.TokenAsync(("grant_type", "authorization_code"), ("code", code),
                ("client_id", IdentityProviderHost.PortalClient), ("redirect_uri", IdentityProviderHost.PortalRedirect), ("code_verifier", verifier));
            Assert.True(status == HttpStatusCode.OK, tokens.ToString());
            refreshToken = tokens.GetProperty("refresh_token").GetString()!;
            protectedPayload = live.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("held before the loss");

            await BackUpAsync(Database, Backup);
            // Redeemed after the backup, and (past OpenIddict's reuse leeway of 30 s) refused when redeemed again.
            Assert.Equal(HttpStatusCode.OK, await RedeemAsync(live, refreshToken));
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.BadRequest, await RedeemAsync(live, refreshToken));
        }

        LoseDatabase();
        Restore();

        await using var restored = await IdentityProviderHost.StartAsync("KZ", _folder, clock, port);

        Assert.Equal(kids, await restored.PublishedKidsAsync());
        var validated = await restored.ValidateAsync(token, clock);
        Assert.True(validated.IsValid, validated.Exception?.ToString());
        Assert.Equal(IdentityProviderHost.Kid(token), IdentityProviderHost.Kid(await restored.ClientCredentialsTokenAsync()));
        Assert.Equal("held before the loss", restored.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(protectedPayload));

        // The login cookie from before the loss still signs the person in: the authorize request answers with a code at once.
        using var authorize = await browser.GetAsync(BrowserSession.AuthorizeUri(restored.Issuer, BrowserSession.ChallengeOf(BrowserSession.NewVerifier())));
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        Assert.False(string.IsNullOrEmpty(BrowserSession.CodeFrom(authorize.Headers.Location!)));
        // The refresh token's entry is back as the backup holds it: not yet redeemed, so the restored provider redeems it.
        var (refreshStatus, refreshed) = await restored.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refreshToken),
            ("client_id", IdentityProviderHost.PortalClient));
        Assert.True(refreshStatus == HttpStatusCode.OK, refreshed.ToString());
        Assert.True((await restored.ValidateAsync(refreshed.GetProperty("access_token").GetString()!, clock)).IsValid);
    }

    [Fact]
    public async Task A_restored_database_with_another_or_no_encryption_key_is_refused_at_start_and_left_usable()
    {
        var port = IdentityProviderHost.FreePort();
        string kid;
        await using (var live = await IdentityProviderHost.StartAsync("KZ", _folder, port: port))
        {
            kid = IdentityProviderHost.Kid(await live.ClientCredentialsTokenAsync());
            await BackUpAsync(Database, Backup);
        }
        LoseDatabase();
        Restore();
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var wrong = await Assert.ThrowsAnyAsync<Exception>(() =>
            IdentityProviderHost.StartAsync("KZ", _folder, port: port, adjust: s => s[EncryptionKeySetting] = otherKey));
        var missing = await Assert.ThrowsAnyAsync<Exception>(() =>
            IdentityProviderHost.StartAsync("KZ", _folder, port: port, adjust: s => s[EncryptionKeySetting] = null));

        // The words docs/operations.md quotes, naming the setting and never repeating a key.
        var wrongMessages = Messages(wrong);
        Assert.Contains($"{EncryptionKeySetting} does not decrypt the key '{kid}' stored in the provider's database", wrongMessages, StringComparison.Ordinal);
        Assert.Contains("Set it back to the key in use when the keys were stored", wrongMessages, StringComparison.Ordinal);
        Assert.DoesNotContain(otherKey, wrongMessages, StringComparison.Ordinal);
        Assert.DoesNotContain(IdentityProviderHost.EncryptionKey, wrongMessages, StringComparison.Ordinal);
        Assert.Contains($"{EncryptionKeySetting} = '': is required", Messages(missing), StringComparison.Ordinal);

        // The refused starts wrote no key of their own: with the right key the restored provider signs as before.
        await using var restored = await IdentityProviderHost.StartAsync("KZ", _folder, port: port);
        Assert.Equal([kid], await restored.PublishedKidsAsync());
        Assert.Equal(kid, IdentityProviderHost.Kid(await restored.ClientCredentialsTokenAsync()));
    }

    [Fact]
    public async Task With_the_encryption_key_lost_the_provider_starts_on_new_keys_once_the_stored_ones_are_removed()
    {
        var port = IdentityProviderHost.FreePort();
        string oldToken;
        await using (var live = await IdentityProviderHost.StartAsync("KZ", _folder, port: port))
        {
            oldToken = await live.ClientCredentialsTokenAsync();
            // The login page's anti-forgery token makes the data-protection key, stored under the key about to be lost.
            using var page = await live.Http.GetAsync(new Uri("account/login", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        // The statements docs/operations.md gives, run on the stopped provider's file as sqlite3 would.
        await using (var connection = new SqliteConnection($"Data Source={Database};Mode=ReadWrite;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM IdentityKeys; DELETE FROM DataProtectionKeys;";
            Assert.Equal(3, await command.ExecuteNonQueryAsync());
        }
        await using var renewed = await IdentityProviderHost.StartAsync("KZ", _folder, port: port, adjust: s => s[EncryptionKeySetting] = newKey);

        var newToken = await renewed.ClientCredentialsTokenAsync();
        Assert.DoesNotContain(IdentityProviderHost.Kid(oldToken), await renewed.PublishedKidsAsync());
        Assert.False((await renewed.ValidateAsync(oldToken)).IsValid);
        Assert.True((await renewed.ValidateAsync(newToken)).IsValid);
        // Clients and users come from the configuration: people sign in as before, under a new data-protection key.
        using var browser = new BrowserSession();
        Assert.False(string.IsNullOrEmpty(await browser.SignInForCodeAsync(renewed.Issuer, BrowserSession.NewVerifier())));
    }

    [Fact]
    public async Task A_backup_taken_while_tokens_are_issued_and_keys_rotate_holds_every_key_and_token_acknowledged_before_it()
    {
        var start = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(start);
        var port = IdentityProviderHost.FreePort();
        // Keys stay in the JWKS for 10 years after their successor activates: none retires during the rehearsal's rotations.
        Action<Dictionary<string, string?>> settings = s => s["Identity:RefreshTokenLifetime"] = "3650.00:00:00";
        var acknowledgedKids = new List<string>();
        var acknowledgedTokens = new List<string>();
        string[] kidsBefore, tokensBefore;
        string lostKid, signedByLostKey;
        await using (var live = await IdentityProviderHost.StartAsync("KZ", _folder, clock, port, settings))
        {
            Record(acknowledgedKids, await live.PublishedKidsAsync());
            using var stop = new CancellationTokenSource();
            var issuing = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    Record(acknowledgedTokens, [await live.ClientCredentialsTokenAsync()]);
                }
            })).ToList();
            var rotations = 0;
            var rotating = Task.Run(async () =>
            {
                // Each period publishes a successor ahead and then lets it sign; paced by the tokens, so keys and tokens
                // keep being written together however loaded the machine is (100 periods at most, 3,000 days).
                for (var period = 1; period <= MaxPeriods && !stop.IsCancellationRequested; period++, Interlocked.Increment(ref rotations))
                {
                    var tokensBeforePeriod = Count(acknowledgedTokens);
                    clock.SetUtcNow(start + (Rotation * period) - PublishAhead + TimeSpan.FromMinutes(1));
                    Record(acknowledgedKids, await live.PublishedKidsAsync());
                    clock.SetUtcNow(start + (Rotation * period) + TimeSpan.FromMinutes(1));
                    Record(acknowledgedTokens, [await live.ClientCredentialsTokenAsync()]);
                    while (Count(acknowledgedTokens) < tokensBeforePeriod + 5 && !stop.IsCancellationRequested)
                    {
                        await Task.Delay(5);
                    }
                }
            });
            await Eventually.HoldsAsync(() => Task.FromResult(Count(acknowledgedKids) >= 3 && Count(acknowledgedTokens) >= 30),
                "3 keys and 30 tokens acknowledged", timeoutSeconds: 60);

            kidsBefore = Snapshot(acknowledgedKids);
            tokensBefore = Snapshot(acknowledgedTokens);
            var rotationsBefore = Volatile.Read(ref rotations);
            await BackUpAsync(Database, Backup);
            await Eventually.HoldsAsync(() => Task.FromResult(Count(acknowledgedTokens) >= tokensBefore.Length + 20),
                "tokens acknowledged after the backup", timeoutSeconds: 60);
            await stop.CancelAsync();
            await Task.WhenAll(issuing.Append(rotating));
            Assert.True(rotationsBefore < MaxPeriods && Volatile.Read(ref rotations) > rotationsBefore,
                "The keys stopped rotating before the backup; the rehearsal needs them rotating around it.");

            // One more rotation after the backup: its key is what a restore cannot bring back.
            var period = Volatile.Read(ref rotations) + 1;
            clock.SetUtcNow(start + (Rotation * period) - PublishAhead + TimeSpan.FromMinutes(1));
            lostKid = Assert.Single((await live.PublishedKidsAsync()).Except(Snapshot(acknowledgedKids)));
            clock.SetUtcNow(start + (Rotation * period) + TimeSpan.FromMinutes(1));
            signedByLostKey = await live.ClientCredentialsTokenAsync();
            Assert.Equal(lostKid, IdentityProviderHost.Kid(signedByLostKey));
        }

        LoseDatabase();
        Restore();
        await using var restored = await IdentityProviderHost.StartAsync("KZ", _folder, clock, port, settings);

        var jwks = await JwksAsync(restored);
        var restoredKids = jwks.Keys.Select(k => k.Kid).ToList();
        Assert.Empty(kidsBefore.Except(restoredKids));
        foreach (var token in tokensBefore)
        {
            var result = await VerifySignatureAsync(restored, jwks, token);
            Assert.True(result.IsValid, $"A token acknowledged before the backup (kid {IdentityProviderHost.Kid(token)}) does not verify: {result.Exception}");
        }
        // Not restored: the key created after the backup. Its tokens fail; the restored ring signs with its latest restored key.
        Assert.DoesNotContain(lostKid, restoredKids);
        Assert.False((await VerifySignatureAsync(restored, jwks, signedByLostKey)).IsValid);
        Assert.Contains(IdentityProviderHost.Kid(await restored.ClientCredentialsTokenAsync()), restoredKids);
    }

    /// <summary>What <c>sqlite3 identity-KZ.db "VACUUM INTO '…'"</c> does: one read snapshot of the live file; the provider writes on.</summary>
    private static async Task BackUpAsync(string live, string backup)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
        await using var connection = new SqliteConnection($"Data Source={live};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $backup";
        command.Parameters.AddWithValue("$backup", backup);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<HttpStatusCode> RedeemAsync(IdentityProviderHost provider, string refreshToken)
    {
        using var response = await provider.PostTokenAsync([("grant_type", "refresh_token"), ("refresh_token", refreshToken),
            ("client_id", IdentityProviderHost.PortalClient)]);
        return response.StatusCode;
    }

    /// <summary>The disk is gone: the database and its journal files. The stopped provider's pooled connections go with it.</summary>
    private void LoseDatabase()
    {
        SqliteConnection.ClearPool(new SqliteConnection($"Data Source={Database}"));
        foreach (var file in new[] { Database, Database + "-wal", Database + "-shm" })
        {
            File.Delete(file);
        }
        Assert.False(File.Exists(Database));
    }

    private void Restore() => File.Copy(Backup, Database);

    private static async Task<JsonWebKeySet> JwksAsync(IdentityProviderHost provider)
    {
        using var response = await provider.Http.GetAsync(new Uri(".well-known/jwks", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return new JsonWebKeySet(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Issuer, audience and signature against the restored JWKS; not the lifetime, which the test clock has long passed.</summary>
    private static Task<TokenValidationResult> VerifySignatureAsync(IdentityProviderHost provider, JsonWebKeySet jwks, string token) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = provider.Issuer.AbsoluteUri,
            ValidAudience = IdentityVocabulary.Audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            TryAllIssuerSigningKeys = false,
            ValidateLifetime = false,
        });

    private static void Record(List<string> acknowledged, IEnumerable<string> items)
    {
        lock (acknowledged)
        {
            foreach (var item in items.Where(i => !acknowledged.Contains(i)))
            {
                acknowledged.Add(item);
            }
        }
    }

    private static int Count(List<string> acknowledged)
    {
        lock (acknowledged)
        {
            return acknowledged.Count;
        }
    }

    private static string[] Snapshot(List<string> acknowledged)
    {
        lock (acknowledged)
        {
            return [.. acknowledged];
        }
    }

    private static string Messages(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }
        return string.Join(" | ", messages);
    }

    public void Dispose() => _folder.Dispose();
}
