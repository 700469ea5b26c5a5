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
/// Replicas share the database: each re-reads it whenever its schedule could change and at least every
/// <see cref="MaxSnapshotAge"/>, and a successor is one generation more than its predecessor, unique in
/// the database, so replicas rotating at once keep one key per period (the loser adopts the winner's).
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
    private readonly Dictionary<string, RingKey> _opened = new(StringComparer.Ordinal);

    /// <summary>The longest a replica goes without reading the ring again, whatever its schedule says.</summary>
    internal static readonly TimeSpan MaxSnapshotAge = TimeSpan.FromMinutes(5);

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
            // Other replicas share the database and may have created or retired keys since: read the ring again.
            Load(now);
            Advance(now);
            return _snapshot = Snapshot(now, out _snapshotValidUntil);
        }
    }

    private void Load(DateTimeOffset now)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        var records = store.Keys.AsNoTracking().AsEnumerable().ToList();
        // Keys stored in clear by an older version are encrypted in place, once.
        var clear = records.Where(r => !KeyProtector.IsProtected(r.PrivateKey)).ToList();
        foreach (var record in clear)
        {
            record.PrivateKey = protector.Protect(record.PrivateKey, record);
            store.Keys.Update(record);
        }
        if (clear.Count > 0)
        {
            store.SaveChanges();
            if (store.Database.IsSqlite())
            {
                // The clear bytes would linger in freed pages and the write-ahead log: rewrite the file without them.
                store.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE)");
                store.Database.ExecuteSqlRaw("VACUUM");
                store.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            SigningKeyRingLog.KeysEncrypted(logger, clear.Count, string.Join(", ", clear.Select(r => r.Id)));
        }
        _signing = [.. records.Where(r => r.Use == KeyMaterial.Signing).OrderBy(r => r.Generation).Select(Open)];
        var encryption = records.FirstOrDefault(r => r.Use == KeyMaterial.Encryption);
        if (encryption is null)
        {
            var created = NewKey(KeyMaterial.Encryption, 0, now, now);
            if (TryInsert(created))
            {
                SigningKeyRingLog.EncryptionKeyCreated(logger, created.Id);
                encryption = created;
            }
            else
            {
                encryption = Read(KeyMaterial.Encryption, 0);
            }
        }
        _encryption = Open(encryption);
    }

    /// <summary>Creates the successor when due and drops keys that no valid token can need.</summary>
    private void Advance(DateTimeOffset now)
    {
        var signing = _signing!;
        if (KeySchedule.SuccessorActivation(Activations(), now, settings.SigningKeys) is { } activation)
        {
            var record = NewKey(KeyMaterial.Signing, signing.Count == 0 ? 0 : signing[^1].Generation + 1, now, activation);
            if (TryInsert(record))
            {
                signing.Add(Open(record));
                SigningKeyRingLog.SigningKeyPublished(logger, record.Id, activation);
            }
            else
            {
                // Another replica created this generation first: its key is the one of the period.
                var winner = Read(KeyMaterial.Signing, record.Generation);
                signing.Add(Open(winner));
                SigningKeyRingLog.SigningKeyAdopted(logger, winner.Id, winner.ActivatesAt);
            }
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
            // A bulk delete, not a tracked one: the other replicas retire the same keys, and a row already gone is no conflict.
            using var scope = scopes.CreateScope();
            scope.ServiceProvider.GetRequiredService<IdentityStore>().Keys.Where(k => kids.Contains(k.Id)).ExecuteDelete();
            signing.RemoveAll(retired.Contains);
            foreach (var kid in kids)
            {
                _opened.Remove(kid);
            }
            SigningKeyRingLog.SigningKeysRetired(logger, string.Join(", ", kids));
        }
    }

    /// <summary>Stores a new key; false when a key of the same use and generation exists (another replica's).</summary>
    private bool TryInsert(KeyMaterial record)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        store.Keys.Add(record);
        try
        {
            store.SaveChanges();
            return true;
        }
        catch (DbUpdateException) when (Find(record.Use, record.Generation) is not null)
        {
            return false;
        }
    }

    private KeyMaterial Read(string use, int generation) =>
        Find(use, generation) ?? throw new InvalidOperationException($"The {use} key of generation {generation} vanished from the provider's database ({settings.Issuer}).");

    private KeyMaterial? Find(string use, int generation)
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<IdentityStore>().Keys.AsNoTracking().FirstOrDefault(k => k.Use == use && k.Generation == generation);
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
        changes.Add(now + MaxSnapshotAge);
        validUntil = changes.Where(c => c > now).Min();

        var encryption = new EncryptingCredentials(_encryption!.Key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512);
        return new KeyRingSnapshot(active.Credentials, [.. signing.Select(k => k.Key)], encryption);
    }

    private List<DateTimeOffset> Activations() => [.. _signing!.Select(k => k.ActivatesAt)];

    private KeyMaterial NewKey(string use, int generation, DateTimeOffset now, DateTimeOffset activatesAt)
    {
        using var rsa = RSA.Create(KeySize);
        var record = new KeyMaterial { Id = KeyId(rsa), Use = use, Generation = generation, CreatedAt = now, ActivatesAt = activatesAt };
        record.PrivateKey = protector.Protect(rsa.ExportPkcs8PrivateKey(), record);
        return record;
    }

    /// <summary>The key opened once per process: the ring is re-read often, the private key decrypted once.</summary>
    private RingKey Open(KeyMaterial record)
    {
        if (!_opened.TryGetValue(record.Id, out var key))
        {
            _opened[record.Id] = key = RingKey.From(record, protector.Unprotect(record));
        }
        return key;
    }

    /// <summary>The RFC 7638 thumbprint: stable, and derived from the public key alone.</summary>
    private static string KeyId(RSA rsa) =>
        Base64UrlEncoder.Encode(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)).ComputeJwkThumbprint());

    private sealed class RingKey
    {
        public required string Kid { get; init; }
        public required int Generation { get; init; }
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
                Generation = record.Generation,
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Another replica published signing key {Kid} first; it signs from {Activation:o}")]
    public static partial void SigningKeyAdopted(ILogger logger, string kid, DateTimeOffset activation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retired signing keys {Kids}")]
    public static partial void SigningKeysRetired(ILogger logger, string kids);
}
