using System.Security.Cryptography;
using CarTConsortium.Identity.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace CarTConsortium.Identity.Keys;

/// <summary>What the ring holds at one instant.</summary>
/// <param name="Signing">The one key that signs now.</param>
/// <param name="Published">Every key in the JWKS now (public halves are derived from these): the
/// active key, its predecessors not yet retired and the successor waiting to activate.</param>
/// <param name="Encryption">The key that encrypts authorization codes and refresh tokens.</param>
public sealed record KeyRingSnapshot(SigningCredentials Signing, IReadOnlyList<RsaSecurityKey> Published, EncryptingCredentials Encryption);

/// <summary>
/// The provider's RSA keys, persisted so kids survive restarts, rotated by the host's
/// <see cref="TimeProvider"/> on demand: every read evaluates the schedule at the current
/// instant, so a long-running process rotates without timers and a test can move the clock.
/// </summary>
public sealed class SigningKeyRing(IServiceScopeFactory scopes, IdentitySettings settings, KeyProtector protector, TimeProvider clock, ILogger<SigningKeyRing> logger)
{
    private const int KeySize = 2048;

    private readonly Lock _gate = new();
    private List<RingKey>? _signing;
    private RingKey? _encryption;
    private KeyRingSnapshot? _snapshot;
    private DateTimeOffset _snapshotValidUntil;
    private ITimer? _wakeUp;

    /// <summary>Starts waking the ring at each scheduled change (publication, activation, retirement).</summary>
    public void StartSchedule()
    {
        lock (_gate)
        {
            _wakeUp ??= clock.CreateTimer(_ => WakeUp(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        WakeUp();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _wakeUp?.Dispose();
            _wakeUp = null;
        }
    }

    private void WakeUp()
    {
        TimeSpan next;
        try
        {
            Current();
            lock (_gate)
            {
                var wait = _snapshotValidUntil - clock.GetUtcNow();
                // ITimer takes at most about 49 days; waking early is harmless.
                next = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromDays(7) ? TimeSpan.FromDays(7) : wait;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SigningKeyRingLog.UpdateFailed(logger, e);
            next = TimeSpan.FromMinutes(1);
        }
        lock (_gate)
        {
            _wakeUp?.Change(next, Timeout.InfiniteTimeSpan);
        }
    }

    public KeyRingSnapshot Current()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_snapshot is not null && now < _snapshotValidUntil)
            {
                return _snapshot;
            }
            if (_signing is null || _encryption is null)
            {
                Load(now);
            }
            Advance(now);
            return _snapshot = Snapshot(now, out _snapshotValidUntil);
        }
    }

    private void Load(DateTimeOffset now)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        var records = store.Keys.AsEnumerable().ToList();
        // Keys stored in clear by an older version are encrypted in place, once.
        var clear = records.Where(r => !KeyProtector.IsProtected(r.PrivateKey)).ToList();
        foreach (var record in clear)
        {
            record.PrivateKey = protector.Protect(record.PrivateKey, record);
        }
        if (clear.Count > 0)
        {
            store.SaveChanges();
            // The clear bytes would linger in freed pages and the write-ahead log: rewrite the file without them.
            store.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE)");
            store.Database.ExecuteSqlRaw("VACUUM");
            store.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE)");
            SigningKeyRingLog.KeysEncrypted(logger, clear.Count, string.Join(", ", clear.Select(r => r.Id)));
        }
        _signing = [.. records.Where(r => r.Use == KeyMaterial.Signing).OrderBy(r => r.ActivatesAt).Select(Open)];
        var encryption = records.FirstOrDefault(r => r.Use == KeyMaterial.Encryption);
        if (encryption is null)
        {
            encryption = NewKey(KeyMaterial.Encryption, now, now);
            store.Keys.Add(encryption);
            store.SaveChanges();
            SigningKeyRingLog.EncryptionKeyCreated(logger, encryption.Id);
        }
        _encryption = Open(encryption);
    }

    /// <summary>Creates the successor when due and drops keys that no valid token can need.</summary>
    private void Advance(DateTimeOffset now)
    {
        var signing = _signing!;
        if (KeySchedule.SuccessorActivation(Activations(), now, settings.SigningKeys) is { } activation)
        {
            var record = NewKey(KeyMaterial.Signing, now, activation);
            Save(store => store.Keys.Add(record));
            signing.Add(Open(record));
            SigningKeyRingLog.SigningKeyPublished(logger, record.Id, activation);
        }
        var retired = new List<RingKey>();
        for (var i = 0; i < signing.Count; i++)
        {
            if (KeySchedule.RetiresAt(Activations(), i, settings.KeyRetention) is { } retiresAt && retiresAt <= now)
            {
                retired.Add(signing[i]);
            }
        }
        if (retired.Count > 0)
        {
            var kids = retired.Select(r => r.Kid).ToList();
            Save(store => store.Keys.RemoveRange(store.Keys.Where(k => kids.Contains(k.Id))));
            signing.RemoveAll(retired.Contains);
            SigningKeyRingLog.SigningKeysRetired(logger, string.Join(", ", kids));
        }
    }

    private KeyRingSnapshot Snapshot(DateTimeOffset now, out DateTimeOffset validUntil)
    {
        var signing = _signing!;
        var activations = Activations();
        var active = signing[KeySchedule.ActiveIndex(activations, now)];

        // The snapshot holds until the next instant at which the schedule could change anything.
        var changes = new List<DateTimeOffset>();
        changes.AddRange(activations.Where(a => a > now));
        for (var i = 0; i < signing.Count; i++)
        {
            if (KeySchedule.RetiresAt(activations, i, settings.KeyRetention) is { } retiresAt)
            {
                changes.Add(retiresAt);
            }
        }
        changes.Add(activations[^1] + settings.SigningKeys.RotationPeriod - settings.SigningKeys.PublishAhead);
        validUntil = changes.Where(c => c > now).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();

        var encryption = new EncryptingCredentials(_encryption!.Key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512);
        return new KeyRingSnapshot(active.Credentials, [.. signing.Select(k => k.Key)], encryption);
    }

    private List<DateTimeOffset> Activations() => [.. _signing!.Select(k => k.ActivatesAt)];

    private void Save(Action<IdentityStore> change)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        change(store);
        store.SaveChanges();
    }

    private KeyMaterial NewKey(string use, DateTimeOffset now, DateTimeOffset activatesAt)
    {
        using var rsa = RSA.Create(KeySize);
        var record = new KeyMaterial { Id = KeyId(rsa), Use = use, CreatedAt = now, ActivatesAt = activatesAt };
        record.PrivateKey = protector.Protect(rsa.ExportPkcs8PrivateKey(), record);
        return record;
    }

    private RingKey Open(KeyMaterial record) => RingKey.From(record, protector.Unprotect(record));

    /// <summary>The RFC 7638 thumbprint: stable, and derived from the public key alone.</summary>
    private static string KeyId(RSA rsa) =>
        Base64UrlEncoder.Encode(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)).ComputeJwkThumbprint());

    private sealed class RingKey
    {
        public required string Kid { get; init; }
        public required DateTimeOffset ActivatesAt { get; init; }
        public required RsaSecurityKey Key { get; init; }
        public required SigningCredentials Credentials { get; init; }

        public static RingKey From(KeyMaterial record, byte[] pkcs8)
        {
            // Held for the process's lifetime: credentials handed out may still be in use by a request.
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            CryptographicOperations.ZeroMemory(pkcs8);
            var key = new RsaSecurityKey(rsa) { KeyId = record.Id };
            return new RingKey
            {
                Kid = record.Id,
                ActivatesAt = record.ActivatesAt,
                Key = key,
                Credentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            };
        }
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class SigningKeyRingLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "The key ring could not be brought up to date; retrying in a minute")]
    public static partial void UpdateFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Encrypted {Count} private keys that an older version had stored in clear: {Kids}")]
    public static partial void KeysEncrypted(ILogger logger, int count, string kids);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the encryption key {Kid}")]
    public static partial void EncryptionKeyCreated(ILogger logger, string kid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published signing key {Kid}; it signs from {Activation:o}")]
    public static partial void SigningKeyPublished(ILogger logger, string kid, DateTimeOffset activation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retired signing keys {Kids}")]
    public static partial void SigningKeysRetired(ILogger logger, string kids);
}
