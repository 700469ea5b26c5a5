using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CarTConsortium.Identity.Storage;

/// <summary>
/// The provider's database: OpenIddict's applications, scopes, authorizations and tokens
/// (added by <c>UseOpenIddict()</c>), the people who sign in, and the key material. One subclass
/// per database provider (<see cref="SqliteIdentityStore"/>, <see cref="PostgreSqlIdentityStore"/>),
/// because EF Core finds a context's migrations by its type and each provider has its own set.
/// </summary>
public abstract class IdentityStore(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<KeyMaterial> Keys => Set<KeyMaterial>();

    public DbSet<FailureEntry> Failures => Set<FailureEntry>();

    /// <summary>ASP.NET data-protection keys (login cookies, anti-forgery tokens), shared by the replicas.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<UserAccount>(user =>
        {
            user.ToTable("IdentityUsers");
            user.HasKey(u => u.Id);
            user.HasIndex(u => u.NormalizedUserName).IsUnique();
            user.Property(u => u.Id).HasMaxLength(64);
            user.Property(u => u.UserName).HasMaxLength(256);
            user.Property(u => u.NormalizedUserName).HasMaxLength(256);
        });
        modelBuilder.Entity<KeyMaterial>(key =>
        {
            key.ToTable("IdentityKeys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Use).HasMaxLength(8);
            // Two replicas that rotate at once both try the next generation: one insert wins, the other re-reads.
            key.HasIndex(k => new { k.Use, k.Generation }).IsUnique();
        });
        modelBuilder.Entity<FailureEntry>(failure =>
        {
            failure.ToTable(FailureEntry.Table);
            failure.HasKey(f => f.Key);
            failure.Property(f => f.Key).HasMaxLength(FailureEntry.MaxKeyLength);
            failure.HasIndex(f => f.LastFailure);
            // Updates are conditional on the version read, so replicas counting failures at once cannot overwrite each other.
            failure.Property(f => f.Version).IsConcurrencyToken();
        });
    }
}

/// <summary>A person who signs in with a password. <see cref="Id"/> is the token subject and never changes.</summary>
public sealed class UserAccount
{
    public string Id { get; set; } = "";

    public string UserName { get; set; } = "";

    /// <summary>The user name in upper case: logins are case-insensitive.</summary>
    public string NormalizedUserName { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public string? DisplayName { get; set; }

    public string Org { get; set; } = "";

    /// <summary>Space-separated role names.</summary>
    public string Roles { get; set; } = "";

    public IReadOnlyList<string> RoleList => Roles.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string Normalize(string userName) => userName.Trim().ToUpperInvariant();
}

/// <summary>
/// Failed sign-ins of one account, client or source address (<see cref="SignInProtection.FailureRecord"/>),
/// in the database so a lock-out survives a restart. Times are Unix milliseconds: SQLite compares them as numbers.
/// </summary>
public sealed class FailureEntry
{
    public const string Table = "IdentityFailures";
    public const int MaxKeyLength = 200;

    /// <summary>"account:NAME", "client:id" or "source:address".</summary>
    public string Key { get; set; } = "";

    public int Failures { get; set; }

    public long WindowStart { get; set; }

    public long? LockedUntil { get; set; }

    public int Lockouts { get; set; }

    public long LastFailure { get; set; }

    /// <summary>Raised by every write; a write based on an older read fails and is retried.</summary>
    public int Version { get; set; }
}

/// <summary>An RSA key of the provider: a signing key of the ring, or the encryption key.</summary>
public sealed class KeyMaterial
{
    public const string Signing = "sig";
    public const string Encryption = "enc";

    /// <summary>The key id (kid): the RFC 7638 thumbprint of the public key.</summary>
    public string Id { get; set; } = "";

    public string Use { get; set; } = Signing;

    /// <summary>The PKCS#8 private key, encrypted (<see cref="Keys.KeyProtector"/>); in clear only in databases of older versions, until the next start.</summary>
    public byte[] PrivateKey { get; set; } = [];

    /// <summary>
    /// The key's place in its ring: 0 for the encryption key and the first signing key, and each successor one more
    /// than the key it follows. Unique per <see cref="Use"/>, so one key exists per rotation period however many replicas create it.
    /// </summary>
    public int Generation { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the key starts signing (signing keys only).</summary>
    public DateTimeOffset ActivatesAt { get; set; }
}
