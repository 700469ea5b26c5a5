using System.Globalization;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Data.Sqlite;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>Delivery attempts per (handler, event), the dead letters' operator side (list, count, find) and a replay's commit.</summary>
public sealed partial class SqliteDocumentStore : IDeliveryAttemptStore, IDeadLetterOperations
{
    // dead_letter_envelopes keeps what a replay needs beyond the dead_letters row (older files have that
    // table without these columns, and CREATE TABLE IF NOT EXISTS cannot add them).
    private const string DeliverySchema = """
            CREATE TABLE IF NOT EXISTS delivery_attempts (
                consumer TEXT NOT NULL,
                event_id TEXT NOT NULL,
                first_attempt_at TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT,
                PRIMARY KEY (consumer, event_id)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS dead_letter_envelopes (
                event_id TEXT NOT NULL,
                consumer TEXT NOT NULL,
                source TEXT,
                occurred_at TEXT,
                trace_parent TEXT,
                first_attempt_at TEXT,
                PRIMARY KEY (event_id, consumer)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX IF NOT EXISTS dead_letters_key ON dead_letters (event_id, consumer);
            CREATE INDEX IF NOT EXISTS dead_letters_topic ON dead_letters (topic, event_id, consumer);
            """;

    private const string DeadLetterColumns = """
            SELECT d.event_id, d.consumer, d.topic, d.payload, d.reason, d.attempts, d.dead_lettered_at,
                   e.source, e.occurred_at, e.trace_parent, e.first_attempt_at
            FROM dead_letters d LEFT JOIN dead_letter_envelopes e ON e.event_id = d.event_id AND e.consumer = d.consumer
            """;

    public Task<DeliveryAttempt> RecordAttemptAsync(string consumer, string eventId, DateTimeOffset at, CancellationToken ct = default) =>
        _file.WriteAsync(connection =>
        {
            // One statement: replicas counting the same event at once each add one.
            using var command = SqliteFile.Command(connection, """
                INSERT INTO delivery_attempts (consumer, event_id, first_attempt_at, attempts) VALUES ($consumer, $event, $at, 1)
                ON CONFLICT (consumer, event_id) DO UPDATE SET attempts = attempts + 1
                RETURNING first_attempt_at, attempts, last_error
                """, ("$consumer", consumer), ("$event", eventId), ("$at", at.ToString("O")));
            using var reader = command.ExecuteReader();
            reader.Read();
            return new DeliveryAttempt(consumer, eventId, Time(reader.GetString(0)), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }, ct);

    public Task RecordErrorAsync(string consumer, string eventId, string error, CancellationToken ct = default) =>
        _file.WriteAsync(connection => SqliteFile.Execute(connection,
            "UPDATE delivery_attempts SET last_error = $error WHERE consumer = $consumer AND event_id = $event",
            ("$error", error), ("$consumer", consumer), ("$event", eventId)), ct);

    public async Task<DeliveryAttempt?> FindAttemptAsync(string consumer, string eventId, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT first_attempt_at, attempts, last_error FROM delivery_attempts WHERE consumer = $consumer AND event_id = $event";
        command.Parameters.AddWithValue("$consumer", consumer);
        command.Parameters.AddWithValue("$event", eventId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new DeliveryAttempt(consumer, eventId, Time(reader.GetString(0)), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }

    public Task ForgetAttemptsAsync(string consumer, string eventId, CancellationToken ct = default) =>
        _file.WriteAsync(connection => SqliteFile.Execute(connection, "DELETE FROM delivery_attempts WHERE consumer = $consumer AND event_id = $event",
            ("$consumer", consumer), ("$event", eventId)), ct);

    public async Task<DeadLetterPage> ListDeadLettersAsync(DeadLetterQuery query, CancellationToken ct = default)
    {
        var limit = Math.Clamp(query.Limit, 1, DocumentQuery.MaxLimit);
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (!string.IsNullOrEmpty(query.Topic))
        {
            where.Add("d.topic = $topic");
            command.Parameters.AddWithValue("$topic", query.Topic);
        }
        if (DeadLetterKey.TryParse(query.AfterKey, out var afterEvent, out var afterConsumer))
        {
            where.Add("(d.event_id < $afterEvent OR (d.event_id = $afterEvent AND d.consumer < $afterConsumer))");
            command.Parameters.AddWithValue("$afterEvent", afterEvent);
            command.Parameters.AddWithValue("$afterConsumer", afterConsumer);
        }
        command.CommandText = DeadLetterColumns + (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))
            + " ORDER BY d.event_id DESC, d.consumer DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit + 1);
        var letters = await ReadDeadLettersAsync(command, ct);
        var hasMore = letters.Count > limit;
        if (hasMore)
        {
            letters.RemoveAt(letters.Count - 1);
        }
        return new DeadLetterPage(letters, hasMore ? letters[^1].Key : null);
    }

    public async Task<IReadOnlyDictionary<string, long>> CountDeadLettersByTopicAsync(CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT topic, COUNT(*) FROM dead_letters GROUP BY topic";
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    public async Task<DeadLetter?> FindDeadLetterAsync(string eventId, string consumer, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = DeadLetterColumns + " WHERE d.event_id = $event AND d.consumer = $consumer";
        command.Parameters.AddWithValue("$event", eventId);
        command.Parameters.AddWithValue("$consumer", consumer);
        return (await ReadDeadLettersAsync(command, ct)).SingleOrDefault();
    }

    // Called inside CommitAsync's transaction, before the handler's writes: a replay that lost to another stops here,
    // not on whichever of its writes collides first. The unique (event_id, consumer) index finds the one letter, and
    // its attempts (the letter's version) tell whether another replay got there first.
    private static void SettleReplay(SqliteConnection connection, ReplayedDeadLetter replay)
    {
        var (letter, kept) = (replay.Letter, replay.KeptAs);
        var key = new (string, object?)[] { ("$event", letter.EventId), ("$consumer", letter.Consumer) };
        var changed = kept is null
            ? SqliteFile.Execute(connection, "DELETE FROM dead_letters WHERE event_id = $event AND consumer = $consumer AND attempts = $read",
                [.. key, ("$read", letter.Attempts)])
            : SqliteFile.Execute(connection,
                "UPDATE dead_letters SET reason = $reason, attempts = $attempts, dead_lettered_at = $at WHERE event_id = $event AND consumer = $consumer AND attempts = $read",
                [.. key, ("$read", letter.Attempts), ("$reason", kept.Reason), ("$attempts", kept.Attempts), ("$at", kept.DeadLetteredAt.ToString("O"))]);
        if (changed == 0)
        {
            throw new DeadLetterReplayConflictException(letter);
        }
        if (kept is null)
        {
            SqliteFile.Execute(connection, "DELETE FROM dead_letter_envelopes WHERE event_id = $event AND consumer = $consumer", key);
        }
        SqliteFile.Execute(connection, "DELETE FROM delivery_attempts WHERE event_id = $event AND consumer = $consumer", key);
        // The dead-lettering's mark stays (redeliveries keep being skipped), dated by the replay so that pruning counts from it;
        // written again if pruning took it.
        SqliteFile.Execute(connection,
            "INSERT INTO inbox (consumer, event_id, handled_at) VALUES ($consumer, $event, $handled) ON CONFLICT (consumer, event_id) DO UPDATE SET handled_at = excluded.handled_at",
            [.. key, ("$handled", replay.At.ToString("O"))]);
    }

    // Called inside CommitAsync's transaction.
    private static void InsertDeadLetter(SqliteConnection connection, DeadLetter dead)
    {
        SqliteFile.Execute(connection,
            "INSERT INTO dead_letters (event_id, consumer, topic, payload, reason, attempts, dead_lettered_at) VALUES ($id, $consumer, $topic, $payload, $reason, $attempts, $at)",
            ("$id", dead.EventId), ("$consumer", dead.Consumer), ("$topic", dead.Topic), ("$payload", dead.Payload),
            ("$reason", dead.Reason), ("$attempts", dead.Attempts), ("$at", dead.DeadLetteredAt.ToString("O")));
        SqliteFile.Execute(connection,
            "INSERT OR REPLACE INTO dead_letter_envelopes (event_id, consumer, source, occurred_at, trace_parent, first_attempt_at) VALUES ($id, $consumer, $source, $occurred, $trace, $first)",
            ("$id", dead.EventId), ("$consumer", dead.Consumer), ("$source", dead.Source), ("$occurred", dead.OccurredAt?.ToString("O")),
            ("$trace", dead.TraceParent), ("$first", dead.FirstAttemptAt?.ToString("O")));
    }

    private static async Task<List<DeadLetter>> ReadDeadLettersAsync(SqliteCommand command, CancellationToken ct)
    {
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            letters.Add(new DeadLetter(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetInt32(5), Time(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : Time(reader.GetString(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : Time(reader.GetString(10))));
        }
        return letters;
    }

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
