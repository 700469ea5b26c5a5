using System.Globalization;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>Parking, republishing and pruning on the service's file.</summary>
public sealed partial class SqliteDocumentStore : IOutboxOperations, IEventRetention
{
    // A table of its own rather than columns on outbox: files written by earlier releases gain it by
    // CREATE ... IF NOT EXISTS alone. The indexes serve pruning by age.
    private const string OutboxOperationsSchema = """
            CREATE TABLE IF NOT EXISTS outbox_parked (
                id TEXT PRIMARY KEY,
                reason TEXT NOT NULL,
                parked_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;
            CREATE INDEX IF NOT EXISTS inbox_handled ON inbox (handled_at);
            """;

    public Task ParkAsync(string messageId, string reason, DateTimeOffset parkedAt, CancellationToken ct = default) =>
        _file.WriteAsync(connection => SqliteFile.Execute(connection,
            """
            INSERT INTO outbox_parked (id, reason, parked_at)
            SELECT id, $reason, $at FROM outbox WHERE id = $id AND published_at IS NULL
            ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, parked_at = excluded.parked_at
            """,
            ("$id", messageId), ("$reason", reason), ("$at", parkedAt.ToUniversalTime().ToString("O"))), ct);

    public async Task<IReadOnlyList<ParkedEvent>> ListParkedAsync(int max, long? afterSeq, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT o.seq, o.id, o.topic, o.occurred_at, p.reason, p.parked_at
            FROM outbox_parked p JOIN outbox o ON o.id = p.id
            WHERE o.seq > $after ORDER BY o.seq LIMIT $max
            """;
        command.Parameters.AddWithValue("$after", afterSeq ?? 0);
        command.Parameters.AddWithValue("$max", Math.Max(max, 0));
        var parked = new List<ParkedEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            parked.Add(new ParkedEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture), reader.GetString(4),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture)));
        }
        return parked;
    }

    public async Task<bool> RequeueParkedAsync(string messageId, CancellationToken ct = default)
    {
        var requeued = await _file.WriteAsync(connection => SqliteFile.Execute(connection, "DELETE FROM outbox_parked WHERE id = $id", ("$id", messageId)), ct);
        if (requeued > 0)
        {
            _signal.Notify();
        }
        return requeued > 0;
    }

    public async Task<IReadOnlyDictionary<string, long>> CountParkedAsync(CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT o.topic, COUNT(*) FROM outbox_parked p JOIN outbox o ON o.id = p.id GROUP BY o.topic";
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    public async Task<int> RepublishSinceAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        // published_at is UTC in round-trip form, which orders as text.
        var republished = await _file.WriteAsync(connection => SqliteFile.Execute(connection, "UPDATE outbox SET published_at = NULL WHERE published_at >= $since",
            ("$since", since.ToUniversalTime().ToString("O"))), ct);
        if (republished > 0)
        {
            _signal.Notify();
        }
        return republished;
    }

    public Task<PrunedEvents> PruneAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        var cutoff = before.ToUniversalTime().ToString("O");
        return _file.WriteAsync(connection =>
        {
            var outbox = SqliteFile.Execute(connection, "DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < $before", ("$before", cutoff));
            // A mark whose event is still a dead letter stays: without it a redelivery would apply the event, and the
            // letter's replay would apply it a second time.
            var inbox = SqliteFile.Execute(connection, """
                DELETE FROM inbox WHERE handled_at < $before
                  AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.event_id = inbox.event_id AND d.consumer = inbox.consumer)
                """, ("$before", cutoff));
            return new PrunedEvents(outbox, inbox);
        }, ct);
    }
}
