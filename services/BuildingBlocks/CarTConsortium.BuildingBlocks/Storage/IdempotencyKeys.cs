using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// What a create RPC remembers of a client's request id: which request it answered (a
/// fingerprint of the request) and the id it made. Stored in the service's own store, in
/// the same change set as the create, so the key and the entity commit together or not at all.
/// </summary>
public sealed record IdempotencyRecord(string Rpc, string Fingerprint, string ResultId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// A client's request id (idempotency key) for one create RPC. It is scoped to the caller
/// (country, which stands for the issuer since each issuer is bound to one country, and
/// subject) and to the RPC: another caller's equal key is another key.
/// </summary>
public sealed partial class IdempotencyKey
{
    public const string Field = "request_id";

    /// <summary>How long a key is honoured; after that the same key makes a new entity.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// The records, keyed by when they were made (UTC, fixed width, so it orders as text): the pruning job deletes
    /// those older than <c>Eventing:IdempotencyKeyRetention</c> by that key (<see cref="IIdempotencyKeyRetention"/>).
    /// </summary>
    public static readonly Collection<IdempotencyRecord> Records = new("idempotency_keys", (CreatedAtKey, r => SortableTime(r.CreatedAt)));

    /// <summary>The key of <see cref="Records"/> that dates a record.</summary>
    public const string CreatedAtKey = "created_at";

    /// <summary>A time as <see cref="CreatedAtKey"/> holds it, for a range comparison by the stores.</summary>
    public static string SortableTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private IdempotencyKey(string documentId, string rpc, string key, string fingerprint)
    {
        DocumentId = documentId;
        Rpc = rpc;
        Key = key;
        Fingerprint = fingerprint;
    }

    public string DocumentId { get; }

    public string Rpc { get; }

    public string Key { get; }

    /// <summary>SHA-256 of the request as JSON: the same key with another request is refused, never answered with an unrelated result.</summary>
    public string Fingerprint { get; }

    /// <summary>A record of this key found past its retention: the create replaces it.</summary>
    internal Stored<IdempotencyRecord>? Expired { get; private set; }

    /// <summary>The key of a request; null when it carries none.</summary>
    /// <param name="request">What makes two requests the same (the command, say); serialised by its runtime type.</param>
    /// <exception cref="InvalidArgumentException">A request id that is not 16-64 letters, digits, dashes or underscores.</exception>
    public static IdempotencyKey? Of(string? requestId, Caller caller, string rpc, object request)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(requestId))
        {
            return null;
        }
        new Validator().Check(KeyPattern().IsMatch(requestId), Field, "must be 16-64 letters, digits, dashes or underscores, e.g. a UUID").ThrowIfInvalid();
        var scope = string.Join('\n', caller.Country ?? "", caller.Subject, rpc, requestId);
        var fingerprint = JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), DocumentJson.Options);
        return new IdempotencyKey(Hash(Encoding.UTF8.GetBytes(scope)), rpc, requestId, Hash(fingerprint));
    }

    /// <summary>The id the first request with this key made; null when the key is new (or expired).</summary>
    /// <exception cref="RuleViolationException">The key answered another request.</exception>
    public async Task<string?> FirstResultAsync(IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        var found = await store.FindAsync(Records, DocumentId, ct);
        if (found is null)
        {
            return null;
        }
        if (found.Value.ExpiresAt <= clock.GetUtcNow())
        {
            Expired = found;
            return null;
        }
        if (found.Value.Fingerprint != Fingerprint)
        {
            throw new RuleViolationException(
                $"request_id '{Key}' was used for a different {Rpc} request; a retry sends the same request, a new request a new request_id.");
        }
        return found.Value.ResultId;
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [GeneratedRegex(@"^[A-Za-z0-9_-]{16,64}\z")]
    private static partial Regex KeyPattern();
}

/// <summary>How a create use case honours a request id, in one call around it and one line in its change set.</summary>
public static class IdempotencyKeys
{
    /// <summary>
    /// Runs <paramref name="create"/> once per key: a key seen before answers with
    /// <paramref name="replay"/> of the id it made; so does a create that lost its commit to
    /// a parallel call with the same key. Without a key, just <paramref name="create"/>.
    /// Inside a <see cref="ConflictRetry"/> attempt, so a lost race is re-checked at once.
    /// </summary>
    public static async Task<T> OnceAsync<T>(this IDocumentStore store, IdempotencyKey? key, TimeProvider clock,
        Func<string, CancellationToken, Task<T>> replay, Func<CancellationToken, Task<T>> create, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(create);
        if (key is null)
        {
            return await create(ct);
        }
        if (await key.FirstResultAsync(store, clock, ct) is { } first)
        {
            return await replay(first, ct);
        }
        try
        {
            return await create(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The same key committed first in a parallel call (a client retrying while its first call still runs):
            // answer as it did, whether this call lost on the key itself or on a rule the first call's effect now
            // breaks ("one infusion a day"). Any other failure stays the caller's.
            if (await key.FirstResultAsync(store, clock, ct) is { } raced)
            {
                return await replay(raced, ct);
            }
            throw;
        }
    }

    /// <summary>Adds the key's record (the id the create made) to the create's change set; nothing without a key.</summary>
    public static ChangeSet Remember(this ChangeSet changes, IdempotencyKey? key, string resultId, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(clock);
        if (key is null)
        {
            return changes;
        }
        var now = clock.GetUtcNow();
        var record = new IdempotencyRecord(key.Rpc, key.Fingerprint, resultId, now, now + IdempotencyKey.Retention);
        return key.Expired is { } expired
            ? changes.Update(IdempotencyKey.Records, expired, record)
            : changes.Insert(IdempotencyKey.Records, key.DocumentId, record);
    }
}
