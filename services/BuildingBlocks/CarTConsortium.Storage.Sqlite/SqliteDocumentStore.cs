using System.Globalization;
using System.Text;
using System.Text.Json;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Data.Sqlite;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// The storage port on one SQLite file per service. Documents keep their JSON body
/// verbatim and their query keys in a JSON column beside it; the outbox, inbox and dead
/// letters are tables in the same file, so one transaction covers a change and its events.
/// </summary>
public sealed partial class SqliteDocumentStore : IDocumentStore, IOutbox, IInbox, IDeadLetterStore, IDisposable, IAsyncDisposable
{
    private readonly SqliteFile _file;
    private readonly OutboxSignal _signal;
    private readonly TimeProvider _clock;

    /// <param name="service">The service the file belongs to, named in errors and health reports; by default the file's name.</param>
    /// <param name="clock">The app's clock, which dates inbox marks and publications (pruning compares against it); the system clock by default.</param>
    /// <exception cref="StoreUnavailableException">The file cannot be opened or is damaged.</exception>
    public SqliteDocumentStore(string databasePath, OutboxSignal signal, string? service = null, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _file = new SqliteFile(databasePath, Schema + CollectionKeysSchema + DeliverySchema + LeaseSchema + OutboxOperationsSchema + RepairLostMarks(Now()), service);
        _signal = signal;
    }

    /// <summary>The database file and whose it is.</summary>
    public SqliteFile File => _file;

    /// <summary>Commits what is queued for the file's writer and ends its thread; later writes fail.</summary>
    public void Dispose() => _file.Dispose();

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    public async Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, body FROM documents WHERE collection = $collection AND id = $id";
        command.Parameters.AddWithValue("$collection", collection.Name);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new Stored<T>(id, reader.GetInt64(0), collection.Deserialize(reader.GetString(1)))
            : null;
    }

    public async Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class
    {
        var limit = Math.Clamp(query.Limit, 1, DocumentQuery.MaxLimit);
        await using var connection = await _file.OpenAsync(ct);
        await using var command = QueryCommand(connection, collection, query, limit);
        var items = new List<Stored<T>>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new Stored<T>(reader.GetString(0), reader.GetInt64(1), collection.Deserialize(reader.GetString(2))));
        }
        var hasMore = items.Count > limit;
        if (hasMore)
        {
            items.RemoveAt(items.Count - 1);
        }
        return new Page<T>(items, hasMore ? items[^1].Id : null);
    }

    /// <summary>
    /// Counted in the key index alone (its entries carry the collection and id, so no row is read); the inner LIMIT
    /// stops the count at <paramref name="most"/>.
    /// </summary>
    public async Task<int> CountUpToAsync<T>(Collection<T> collection, DocumentQuery query, int most, CancellationToken ct = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(query);
        if (most <= 0)
        {
            return 0;
        }
        await using var connection = await _file.OpenAsync(ct);
        await using var command = CountCommand(connection, collection, query, most);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>SQLite's plan for the statement <see cref="QueryAsync{T}"/> runs: which index answers it.</summary>
    internal async Task<string> ExplainQueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = QueryCommand(connection, collection, query, query.Limit);
        return await ExplainAsync(command, ct);
    }

    /// <summary>SQLite's plan for the statement <see cref="CountUpToAsync{T}"/> runs.</summary>
    internal async Task<string> ExplainCountAsync<T>(Collection<T> collection, DocumentQuery query, int most, CancellationToken ct = default) where T : class
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = CountCommand(connection, collection, query, most);
        return await ExplainAsync(command, ct);
    }

    private static async Task<string> ExplainAsync(SqliteCommand command, CancellationToken ct)
    {
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            plan.Add(reader.GetString(3));
        }
        return string.Join("\n", plan);
    }

    private static SqliteCommand CountCommand<T>(SqliteConnection connection, Collection<T> collection, DocumentQuery query, int most) where T : class
    {
        // The page query's own filter, limited to `most` rows (it asks for one more than its limit), selecting only the id.
        var command = QueryCommand(connection, collection, query with { AfterId = null }, most - 1);
        command.CommandText = "SELECT count(*) FROM (" + command.CommandText.Replace("SELECT id, version, body", "SELECT id", StringComparison.Ordinal) + ")";
        return command;
    }

    private static SqliteCommand QueryCommand<T>(SqliteConnection connection, Collection<T> collection, DocumentQuery query, int limit) where T : class
    {
        var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT id, version, body FROM documents WHERE collection = $collection");
        command.Parameters.AddWithValue("$collection", collection.Name);
        var index = 0;
        foreach (var (key, value) in query.Where)
        {
            if (!collection.HasKey(key))
            {
                command.Dispose();
                throw new ArgumentException($"The {collection.Name} collection has no key '{key}'.", nameof(query));
            }
            // Key names are checked against the collection's declared names, so they are safe to inline.
            sql.Append(CultureInfo.InvariantCulture, $" AND json_extract(keys, '$.{key}') = $k{index}");
            command.Parameters.AddWithValue($"$k{index}", value);
            index++;
        }
        if (query.AfterId is not null)
        {
            sql.Append(" AND id > $after");
            command.Parameters.AddWithValue("$after", query.AfterId);
        }
        sql.Append(" ORDER BY id LIMIT $limit");
        command.Parameters.AddWithValue("$limit", limit + 1);
        command.CommandText = sql.ToString();
        return command;
    }

    public async Task CommitAsync(ChangeSet changes, CancellationToken ct = default)
    {
        // Queued for the file's writer, which may commit it together with other change sets (each in its savepoint).
        await _file.WriteAsync(connection => Commit(connection, changes), ct);
        // Only after the COMMIT: the relay must find the events when it wakes.
        if (changes.Events.Count > 0)
        {
            _signal.Notify();
        }
    }

    private void Commit(SqliteConnection connection, ChangeSet changes)
    {
        // The inbox mark goes first: a repeated delivery then fails as "already handled"
        // rather than on whichever of its writes collides first.
        if (changes.Handled is { } mark)
        {
            try
            {
                SqliteFile.Execute(connection, "INSERT INTO inbox (consumer, event_id, handled_at) VALUES ($consumer, $event, $at)",
                    ("$consumer", mark.Consumer), ("$event", mark.EventId), ("$at", Now()));
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteFile.ConstraintViolation)
            {
                throw new EventAlreadyHandledException(mark);
            }
        }
        if (changes.Replayed is { } replay)
        {
            SettleReplay(connection, replay);
        }
        foreach (var write in changes.Writes)
        {
            WriteDocument(connection, write);
        }
        foreach (var message in changes.Events)
        {
            SqliteFile.Execute(connection,
                "INSERT INTO outbox (id, topic, payload, trace_parent, occurred_at) VALUES ($id, $topic, $payload, $trace, $at)",
                ("$id", message.Id), ("$topic", message.Topic), ("$payload", message.Payload),
                ("$trace", message.TraceParent), ("$at", message.OccurredAt.ToString("O")));
        }
        if (changes.DeadLettered is { } dead)
        {
            InsertDeadLetter(connection, dead);
        }
    }

    public async Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int max, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, topic, payload, trace_parent, occurred_at FROM outbox WHERE published_at IS NULL AND id NOT IN (SELECT id FROM outbox_parked) ORDER BY seq LIMIT $max";
        command.Parameters.AddWithValue("$max", max);
        var pending = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            pending.Add(new OutboxMessage(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture)));
        }
        return pending;
    }

    // UTC in round-trip form, which orders as text (pruning and RepublishSince compare it so).
    private string Now() => _clock.GetUtcNow().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public Task MarkPublishedAsync(string messageId, CancellationToken ct = default) =>
        _file.WriteAsync(connection => SqliteFile.Execute(connection, "UPDATE outbox SET published_at = $at WHERE id = $id",
            ("$at", Now()), ("$id", messageId)), ct);

    public async Task<bool> HasHandledAsync(string consumer, string eventId, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM inbox WHERE consumer = $consumer AND event_id = $event";
        command.Parameters.AddWithValue("$consumer", consumer);
        command.Parameters.AddWithValue("$event", eventId);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int max, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = DeadLetterColumns + " ORDER BY d.seq DESC LIMIT $max";
        command.Parameters.AddWithValue("$max", max);
        return await ReadDeadLettersAsync(command, ct);
    }

    private static void WriteDocument(SqliteConnection connection, DocumentWrite write)
    {
        var keys = JsonSerializer.Serialize(write.Keys);
        if (write.ExpectedVersion == 0)
        {
            try
            {
                SqliteFile.Execute(connection,
                    "INSERT INTO documents (collection, id, version, body, keys) VALUES ($collection, $id, 1, $body, $keys)",
                    ("$collection", write.Collection), ("$id", write.Id), ("$body", write.Json), ("$keys", keys));
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteFile.ConstraintViolation)
            {
                throw new DocumentExistsException(write.Collection, write.Id);
            }
            return;
        }
        var updated = SqliteFile.Execute(connection,
            "UPDATE documents SET version = version + 1, body = $body, keys = $keys WHERE collection = $collection AND id = $id AND version = $expected",
            ("$collection", write.Collection), ("$id", write.Id), ("$body", write.Json), ("$keys", keys), ("$expected", write.ExpectedVersion));
        if (updated == 0)
        {
            throw new StaleVersionException(write.Collection, write.Id);
        }
    }

    /// <summary>
    /// The previous release's pruning deleted inbox marks of events still dead-lettered, so a redelivery would apply
    /// the event and the letter's replay again: every letter gets its mark back, dated now (pruning keeps it while the
    /// letter exists). Safe to run at every start: an existing mark is left as it is. The date is an ISO-8601 literal.
    /// </summary>
    private static string RepairLostMarks(string now) =>
        $"INSERT OR IGNORE INTO inbox (consumer, event_id, handled_at) SELECT consumer, event_id, '{now}' FROM dead_letters;\n";

    private const string Schema = """
            CREATE TABLE IF NOT EXISTS documents (
                collection TEXT NOT NULL,
                id TEXT NOT NULL,
                version INTEGER NOT NULL,
                body TEXT NOT NULL,
                keys TEXT NOT NULL,
                PRIMARY KEY (collection, id)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                topic TEXT NOT NULL,
                payload TEXT NOT NULL,
                trace_parent TEXT,
                occurred_at TEXT NOT NULL,
                published_at TEXT
            );
            CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (seq) WHERE published_at IS NULL;
            CREATE TABLE IF NOT EXISTS inbox (
                consumer TEXT NOT NULL,
                event_id TEXT NOT NULL,
                handled_at TEXT NOT NULL,
                PRIMARY KEY (consumer, event_id)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS dead_letters (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id TEXT NOT NULL,
                consumer TEXT NOT NULL,
                topic TEXT NOT NULL,
                payload TEXT NOT NULL,
                reason TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                dead_lettered_at TEXT NOT NULL
            );
            """;
}
