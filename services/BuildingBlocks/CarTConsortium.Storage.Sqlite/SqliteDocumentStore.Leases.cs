using System.Globalization;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>Named leases in the service's file: each call one job of the file's writer, so the check and the take are one step.</summary>
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

    public Task<LeaseGrant?> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default) =>
        _file.WriteAsync(connection =>
        {
            LeaseState? current = null;
            var wakeRequested = false;
            using (var command = SqliteFile.Command(connection, "SELECT holder, expires_at, wake_requested FROM leases WHERE name = $name", ("$name", name)))
            using (var reader = command.ExecuteReader())
            {
                if (reader.Read())
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
            SqliteFile.Execute(connection,
                """
                INSERT INTO leases (name, holder, expires_at, wake_requested) VALUES ($name, $holder, $expires, 0)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, wake_requested = 0
                """,
                ("$name", name), ("$holder", holder), ("$expires", Instant(expiresAt)));
            return new LeaseGrant(expiresAt, wakeRequested);
        }, ct);

    public Task ReleaseAsync(string name, string holder, CancellationToken ct = default) =>
        _file.WriteAsync(connection => SqliteFile.Execute(connection, "UPDATE leases SET holder = NULL WHERE name = $name AND holder = $holder",
            ("$name", name), ("$holder", holder)), ct);

    // A lease never taken yet gets a free record, so that its first holder sees the request.
    public Task RequestWakeAsync(string name, CancellationToken ct = default) =>
        _file.WriteAsync(connection => SqliteFile.Execute(connection,
            """
            INSERT INTO leases (name, holder, expires_at, wake_requested) VALUES ($name, NULL, $never, 1)
            ON CONFLICT (name) DO UPDATE SET wake_requested = 1
            """,
            ("$name", name), ("$never", Instant(DateTimeOffset.MinValue))), ct);

    // Fixed-width UTC text, so that times compare correctly in SQL as well.
    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseInstant(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
