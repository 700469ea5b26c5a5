using System.Globalization;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>Named leases in the service's file: each call one write transaction, so the check and the take are one step.</summary>
/// <remarks>
/// Times are the caller's <c>now</c> (the app's TimeProvider): a SQLite file is served by one machine, so every
/// replica on it reads the same clock, and tests can drive it with a fake one. (MongoDB uses its server's clock.)
/// </remarks>
public sealed partial class SqliteDocumentStore : ILeaseStore
{
    private const string LeaseSchema = """
            CREATE TABLE IF NOT EXISTS leases (
                name TEXT PRIMARY KEY,
                holder TEXT,
                expires_at TEXT NOT NULL,
                wake_requested INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            """;

    public async Task<LeaseGrant?> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var transaction = await SqliteFile.BeginWriteAsync(connection, ct);
        LeaseState? current = null;
        var wakeRequested = false;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT holder, expires_at, wake_requested FROM leases WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                current = new LeaseState(reader.IsDBNull(0) ? null : reader.GetString(0), ParseInstant(reader.GetString(1)));
                wakeRequested = reader.GetInt64(2) != 0;
            }
        }
        if (!LeaseRule.MayTake(current, holder, now))
        {
            return null;
        }
        var expiresAt = now + duration;
        await SqliteFile.ExecuteAsync(connection,
            """
            INSERT INTO leases (name, holder, expires_at, wake_requested) VALUES ($name, $holder, $expires, 0)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, wake_requested = 0
            """, ct,
            ("$name", name), ("$holder", holder), ("$expires", Instant(expiresAt)));
        await transaction.CommitAsync(ct);
        return new LeaseGrant(expiresAt, wakeRequested);
    }

    public async Task ReleaseAsync(string name, string holder, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await SqliteFile.ExecuteAsync(connection, "UPDATE leases SET holder = NULL WHERE name = $name AND holder = $holder", ct,
            ("$name", name), ("$holder", holder));
    }

    public async Task RequestWakeAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        // A lease never taken yet gets a free record, so that its first holder sees the request.
        await SqliteFile.ExecuteAsync(connection,
            """
            INSERT INTO leases (name, holder, expires_at, wake_requested) VALUES ($name, NULL, $never, 1)
            ON CONFLICT (name) DO UPDATE SET wake_requested = 1
            """, ct,
            ("$name", name), ("$never", Instant(DateTimeOffset.MinValue)));
    }

    // Fixed-width UTC text, so that times compare correctly in SQL as well.
    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseInstant(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
