using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using CarTConsortium.Identity.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.Identity.SignInProtection;

/// <summary>Who a failure is counted against: an account (user name), a client (client id) or a source address.</summary>
public readonly record struct Subject(string Kind, string Name)
{
    public const string AccountKind = "account";
    public const string ClientKind = "client";
    public const string SourceKind = "source";

    public static Subject Account(string userName) => new(AccountKind, UserAccount.Normalize(userName));

    public static Subject Client(string clientId) => new(ClientKind, clientId);

    public static Subject Source(string address) => new(SourceKind, address);

    /// <summary>The stored key; an overlong name (anybody can type one) is kept as its hash.</summary>
    public string Key
    {
        get
        {
            var key = $"{Kind}:{Name}";
            return key.Length <= FailureEntry.MaxKeyLength ? key : $"{Kind}#{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Name)))}";
        }
    }

    public override string ToString() => Kind == SourceKind ? $"source address {Name}" : $"{Kind} '{Name}'";
}

/// <summary>A refusal because of a lock-out: who is locked and until when.</summary>
public sealed record Lockout(Subject Subject, DateTimeOffset Until)
{
    public int RetryAfterSeconds(DateTimeOffset now) => LockoutRules.RetryAfterSeconds(Until, now);

    /// <summary>What the person or client is told: what is locked, and when to try again.</summary>
    public string Message(DateTimeOffset now) =>
        $"Too many failed attempts: the {Subject} is locked until {Until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; try again in {RetryAfterSeconds(now)} s.";
}

/// <summary>
/// Counts failed passwords and client secrets per account or client and per source address, in
/// the provider's database, and says when one of them is locked (<see cref="LockoutRules"/>).
/// </summary>
public sealed partial class SignInGuard : IDisposable
{
    public const string MeterName = "CarTConsortium.Identity";

    // Writes of one process one after another; between replicas the version check (CountAsync) keeps counts from being lost.
    private readonly SemaphoreSlim _gate = new(1, 1);

    // A conflict needs another replica writing the same subject in between; a handful of rounds always settles it.
    private const int MaxCountAttempts = 5;

    // Attempts of one account/client or one source are judged one after another, so a burst of parallel
    // guesses cannot all pass the lock check before the first failure is counted. Striped: bounded memory
    // whatever names callers invent; two subjects sharing a stripe only wait for each other. Per process:
    // with N replicas, up to N attempts of one subject are judged at once, so at most N - 1 guesses beyond
    // the threshold slip in before the lock is seen (the counts themselves are never lost, see CountAsync).
    private readonly SemaphoreSlim[] _attemptStripes = [.. Enumerable.Range(0, 1024).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly IServiceScopeFactory _scopes;
    private readonly IdentitySettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<SignInGuard> _logger;
    private readonly Counter<long> _lockouts;
    private readonly Counter<long> _refused;

    public SignInGuard(IServiceScopeFactory scopes, IdentitySettings settings, TimeProvider clock, ILogger<SignInGuard> logger, IMeterFactory meters)
    {
        _scopes = scopes;
        _settings = settings;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create(MeterName);
        _lockouts = meter.CreateCounter<long>("identity.lockouts", description: "Accounts, clients and source addresses locked after repeated failures");
        _refused = meter.CreateCounter<long>("identity.locked_attempts", description: "Sign-ins and token requests refused because of a lock-out");
    }

    public DateTimeOffset Now => _clock.GetUtcNow();

    private SignInProtectionSettings Protection => _settings.SignInProtection;

    /// <summary>
    /// Starts one sign-in or token attempt of <paramref name="party"/> from <paramref name="source"/>: until the
    /// result is disposed, other attempts of the same account/client or source wait. Call it before
    /// <see cref="FindLockAsync"/> and dispose it after <see cref="FailedAsync"/> or <see cref="SucceededAsync"/>.
    /// </summary>
    public async Task<IAsyncDisposable> BeginAttemptAsync(Subject? party, Subject source, CancellationToken ct)
    {
        // Ascending stripe order: two attempts never wait for each other in a cycle.
        var stripes = new[] { party, source }.OfType<Subject>()
            .Select(s => (int)((uint)StringComparer.Ordinal.GetHashCode(s.Key) % (uint)_attemptStripes.Length))
            .Distinct().Order().Select(i => _attemptStripes[i]).ToList();
        var held = new List<SemaphoreSlim>();
        try
        {
            foreach (var stripe in stripes)
            {
                await stripe.WaitAsync(ct);
                held.Add(stripe);
            }
            return new Attempt(held);
        }
        catch
        {
            held.ForEach(h => h.Release());
            throw;
        }
    }

    private sealed class Attempt(List<SemaphoreSlim> held) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                held.ForEach(h => h.Release());
            }
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The lock that refuses this attempt, the longest if several apply; null when none does.</summary>
    /// <param name="party">The account or client; null where only the source counts (a public client, shared by everybody).</param>
    public async Task<Lockout?> FindLockAsync(Subject? party, Subject source, CancellationToken ct)
    {
        var now = Now;
        Subject[] subjects = party is { } p ? [p, source] : [source];
        var keys = subjects.Select(s => s.Key).ToList();
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        var entries = await store.Failures.AsNoTracking().Where(f => keys.Contains(f.Key)).ToListAsync(ct);
        var locks = new List<Lockout>();
        foreach (var subject in subjects)
        {
            if (entries.Find(e => e.Key == subject.Key) is { } entry && LockoutRules.IsLocked(ToRecord(entry), now))
            {
                locks.Add(new Lockout(subject, DateTimeOffset.FromUnixTimeMilliseconds(entry.LockedUntil!.Value)));
            }
        }
        var refusal = locks.MaxBy(l => l.Until);
        if (refusal is not null)
        {
            _refused.Add(1, new KeyValuePair<string, object?>("kind", refusal.Subject.Kind), new("app", _settings.Issuer));
            LogRefused(_logger, party?.ToString() ?? "a public client", source.Name, refusal.Subject.ToString(), refusal.Until);
        }
        return refusal;
    }

    /// <summary>Counts a wrong password or secret against the account or client (if any) and against the source.</summary>
    public async Task FailedAsync(Subject? party, Subject source, CancellationToken ct)
    {
        var now = Now;
        var counted = new List<(Subject Subject, int Threshold)> { (source, Protection.SourceFailures) };
        if (party is { } p)
        {
            counted.Insert(0, (p, Protection.AccountFailures));
        }
        await _gate.WaitAsync(ct);
        try
        {
            List<(Subject Subject, int Threshold, FailureRecord Record)> locked;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    locked = await CountAsync(counted, now, ct);
                    break;
                }
                catch (DbUpdateException) when (attempt < MaxCountAttempts)
                {
                    // Another replica counted a failure of the same subject since it was read: count again on top of it.
                }
            }
            foreach (var (subject, threshold, record) in locked)
            {
                _lockouts.Add(1, new KeyValuePair<string, object?>("kind", subject.Kind), new("app", _settings.Issuer));
                LogLockedOut(_logger, subject.ToString(), source.Name, threshold, record.LockedUntil!.Value, record.Lockouts);
            }
            await using var scope = _scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
            // Records nobody can need any more: no lock running, and quiet for longer than any rule looks back.
            var stale = (now - Protection.MaxLockout - Protection.Window).ToUnixTimeMilliseconds();
            var nowMs = now.ToUnixTimeMilliseconds();
            await store.Failures.Where(f => f.LastFailure < stale && (f.LockedUntil == null || f.LockedUntil < nowMs)).ExecuteDeleteAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// One read-count-write of the subjects' records. Each write is conditional on the <see cref="FailureEntry.Version"/>
    /// read (a new record on the key being free), so of two replicas counting at once one fails and counts again.
    /// </summary>
    private async Task<List<(Subject Subject, int Threshold, FailureRecord Record)>> CountAsync(
        List<(Subject Subject, int Threshold)> counted, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        var locked = new List<(Subject, int, FailureRecord)>();
        foreach (var (subject, threshold) in counted)
        {
            var entry = await store.Failures.FirstOrDefaultAsync(f => f.Key == subject.Key, ct);
            var record = LockoutRules.AfterFailure(entry is null ? null : ToRecord(entry), now, threshold, Protection, out var lockedNow);
            if (entry is null)
            {
                entry = new FailureEntry { Key = subject.Key };
                store.Failures.Add(entry);
            }
            Write(record, entry);
            entry.Version++;
            if (lockedNow)
            {
                locked.Add((subject, threshold, record));
            }
        }
        await store.SaveChangesAsync(ct);
        return locked;
    }

    /// <summary>The right password or secret: the account's or client's count starts again (the source's does not).</summary>
    public async Task SucceededAsync(Subject party, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
            var key = party.Key;
            await store.Failures.Where(f => f.Key == key).ExecuteDeleteAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        Array.ForEach(_attemptStripes, s => s.Dispose());
    }

    private static FailureRecord ToRecord(FailureEntry entry) => new(
        entry.Failures,
        DateTimeOffset.FromUnixTimeMilliseconds(entry.WindowStart),
        entry.LockedUntil is { } until ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null,
        entry.Lockouts,
        DateTimeOffset.FromUnixTimeMilliseconds(entry.LastFailure));

    private static void Write(FailureRecord record, FailureEntry entry)
    {
        entry.Failures = record.Failures;
        entry.WindowStart = record.WindowStart.ToUnixTimeMilliseconds();
        entry.LockedUntil = record.LockedUntil?.ToUnixTimeMilliseconds();
        entry.Lockouts = record.Lockouts;
        entry.LastFailure = record.LastFailure.ToUnixTimeMilliseconds();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Locked the {Subject} until {Until:o} after {Threshold} failures (lock-out {Lockouts} in a row); the last came from {Source}")]
    private static partial void LogLockedOut(ILogger logger, string subject, string source, int threshold, DateTimeOffset until, int lockouts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused an attempt for {Party} from {Source}: the {Locked} is locked until {Until:o}")]
    private static partial void LogRefused(ILogger logger, string party, string source, string locked, DateTimeOffset until);
}
