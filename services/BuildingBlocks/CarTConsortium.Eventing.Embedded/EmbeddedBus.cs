using System.Collections.Concurrent;
using System.Globalization;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CarTConsortium.Eventing.Embedded;

/// <summary>
/// A durable broker shared by every app of the standalone process. Like a real broker it
/// keeps messages and per-subscriber deliveries on disk (its own SQLite file), so an
/// accepted event reaches each subscriber at least once across crashes and restarts.
/// Subscriptions are durable too: once an app subscribed to a topic, it gets every later
/// event of it, whether or not it is running when the event is published.
/// </summary>
public sealed partial class EmbeddedBus : IDisposable
{
    private readonly SqliteFile _file;
    private readonly TimeProvider _clock;
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _wakeUps = new(StringComparer.Ordinal);

    public EmbeddedBus(string databasePath, TimeProvider? clock = null)
    {
        _file = new SqliteFile(databasePath, Schema + RetentionSchema, owner: "event bus");
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The bus file's one writer (every publish, settlement and prune is a job of it): its group sizes.</summary>
    public SqliteWriter Writer => _file.Writer;

    /// <summary>
    /// Lets publishes through. The host opens the bus once every app on it has
    /// subscribed, so an event published during start-up is not missed by an app that
    /// subscribes a moment later.
    /// </summary>
    public void Open() => _opened.TrySetResult();

    /// <summary>Records durable subscriptions of <paramref name="subscriber"/> to <paramref name="topics"/>.</summary>
    public Task SubscribeAsync(string subscriber, IEnumerable<string> topics, CancellationToken ct = default) =>
        _file.WriteAsync(connection =>
        {
            foreach (var topic in topics)
            {
                SqliteFile.Execute(connection, "INSERT OR IGNORE INTO subscriptions (subscriber, topic) VALUES ($subscriber, $topic)",
                    ("$subscriber", subscriber), ("$topic", topic));
            }
        }, ct);

    /// <summary>
    /// Stores the event and one delivery per subscription of its topic, then returns: the
    /// event is accepted. Publishing an id the bus already holds is a no-op, so a relay
    /// that republishes after a crash does not deliver twice.
    /// </summary>
    public async Task PublishAsync(EventEnvelope envelope, CancellationToken ct = default)
    {
        await _opened.Task.WaitAsync(ct);
        var subscribers = await _file.WriteAsync(connection => Publish(connection, envelope), ct);
        // Only after the commit: a woken subscriber must find its delivery.
        foreach (var subscriber in subscribers)
        {
            Wake(subscriber);
        }
    }

    private List<string> Publish(SqliteConnection connection, EventEnvelope envelope)
    {
        List<string> subscribers = [];
        try
        {
            SqliteFile.Execute(connection,
                "INSERT INTO messages (id, topic, source, occurred_at, payload, trace_parent) VALUES ($id, $topic, $source, $at, $payload, $trace)",
                ("$id", envelope.Id), ("$topic", envelope.Topic), ("$source", envelope.Source),
                ("$at", envelope.OccurredAt.ToString("O")), ("$payload", envelope.Payload), ("$trace", envelope.TraceParent));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFile.ConstraintViolation)
        {
            return subscribers;
        }
        using (var command = SqliteFile.Command(connection, "SELECT subscriber FROM subscriptions WHERE topic = $topic", ("$topic", envelope.Topic)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                subscribers.Add(reader.GetString(0));
            }
        }
        foreach (var subscriber in subscribers)
        {
            SqliteFile.Execute(connection,
                "INSERT INTO deliveries (subscriber, message_id, attempts, due_at, state) VALUES ($subscriber, $id, 0, $due, 'pending')",
                ("$subscriber", subscriber), ("$id", envelope.Id), ("$due", Timestamp(_clock.GetUtcNow())));
        }
        return subscribers;
    }

    /// <summary>The subscriber's pending deliveries that are due now, oldest first.</summary>
    public async Task<IReadOnlyList<Delivery>> ReceiveDueAsync(string subscriber, int max, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.seq, d.attempts, m.id, m.topic, m.source, m.occurred_at, m.payload, m.trace_parent
            FROM deliveries d JOIN messages m ON m.id = d.message_id
            WHERE d.subscriber = $subscriber AND d.state = 'pending' AND d.due_at <= $now
            ORDER BY d.due_at, d.seq LIMIT $max
            """;
        command.Parameters.AddWithValue("$subscriber", subscriber);
        command.Parameters.AddWithValue("$now", Timestamp(_clock.GetUtcNow()));
        command.Parameters.AddWithValue("$max", max);
        var due = new List<Delivery>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var envelope = new EventEnvelope(reader.GetString(2), reader.GetString(3), reader.GetString(4),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7));
            due.Add(new Delivery(reader.GetInt64(0), Attempt: reader.GetInt32(1) + 1, envelope));
        }
        return due;
    }

    /// <summary>When the subscriber's next pending delivery falls due, if it has one.</summary>
    public Task<DateTimeOffset?> NextDueAsync(string subscriber, CancellationToken ct = default) =>
        TimeOfAsync("SELECT MIN(due_at) FROM deliveries WHERE subscriber = $subscriber AND state = 'pending'", subscriber, ct);

    /// <summary>Settles a delivery as its subscriber's dispatcher decided.</summary>
    public Task SettleAsync(Delivery delivery, DeliveryOutcome outcome, TimeSpan retryDelay, CancellationToken ct = default) =>
        _file.WriteAsync(connection => outcome switch
        {
            DeliveryOutcome.Success => SqliteFile.Execute(connection,
                "UPDATE deliveries SET state = 'done', attempts = $attempts WHERE seq = $seq",
                ("$attempts", delivery.Attempt), ("$seq", delivery.Seq)),
            DeliveryOutcome.Drop => SqliteFile.Execute(connection,
                "UPDATE deliveries SET state = 'dropped', attempts = $attempts WHERE seq = $seq",
                ("$attempts", delivery.Attempt), ("$seq", delivery.Seq)),
            _ => SqliteFile.Execute(connection,
                "UPDATE deliveries SET attempts = $attempts, due_at = $due WHERE seq = $seq",
                ("$attempts", delivery.Attempt), ("$due", Timestamp(_clock.GetUtcNow() + retryDelay)), ("$seq", delivery.Seq)),
        }, ct);

    /// <summary>
    /// Whether <paramref name="app"/> has had data: it published an event, or an event was delivered to
    /// it and settled. The bus keeps that record in its own file, so it outlives the app's database: a
    /// missing database of an app the bus knows is a lost one, not a first start.
    /// </summary>
    public async Task<bool> HasServedAsync(string app, CancellationToken ct = default)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT EXISTS (SELECT 1 FROM messages WHERE source = $app)
                OR EXISTS (SELECT 1 FROM deliveries WHERE subscriber = $app AND state <> 'pending')
                OR EXISTS (SELECT 1 FROM served WHERE app = $app)
            """;
        command.Parameters.AddWithValue("$app", app);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>
    /// Delivers again, in their original order, every event the subscriber had settled: how an app whose
    /// database was lost relearns its read models (its inbox is gone too, so it applies each once more).
    /// Returns how many deliveries were put back.
    /// </summary>
    public async Task<int> ReplayAsync(string subscriber, CancellationToken ct = default)
    {
        var replayed = await _file.WriteAsync(connection => SqliteFile.Execute(connection,
            "UPDATE deliveries SET state = 'pending', attempts = 0, due_at = $now WHERE subscriber = $subscriber AND state <> 'pending'",
            ("$subscriber", subscriber), ("$now", Timestamp(_clock.GetUtcNow()))), ct);
        Wake(subscriber);
        return replayed;
    }

    /// <summary>Waits until something is published for the subscriber, or the timeout passes.</summary>
    public Task<bool> WaitForDeliveryAsync(string subscriber, TimeSpan timeout, CancellationToken ct) =>
        WakeUp(subscriber).WaitAsync(timeout, ct);

    /// <summary>Commits what is queued for the bus's writer and ends its thread.</summary>
    public void Dispose()
    {
        _file.Dispose();
        foreach (var wakeUp in _wakeUps.Values)
        {
            wakeUp.Dispose();
        }
    }

    private void Wake(string subscriber)
    {
        var wakeUp = WakeUp(subscriber);
        if (wakeUp.CurrentCount == 0)
        {
            try
            {
                wakeUp.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another publisher woke it first.
            }
        }
    }

    private SemaphoreSlim WakeUp(string subscriber) => _wakeUps.GetOrAdd(subscriber, _ => new SemaphoreSlim(0, 1));

    // Fixed-width UTC timestamps compare correctly as text in SQL.
    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private const string Schema = """
            CREATE TABLE IF NOT EXISTS subscriptions (
                subscriber TEXT NOT NULL,
                topic TEXT NOT NULL,
                PRIMARY KEY (subscriber, topic)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS messages (
                id TEXT PRIMARY KEY,
                topic TEXT NOT NULL,
                source TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                payload TEXT NOT NULL,
                trace_parent TEXT
            );
            CREATE TABLE IF NOT EXISTS deliveries (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                subscriber TEXT NOT NULL,
                message_id TEXT NOT NULL REFERENCES messages (id),
                attempts INTEGER NOT NULL,
                due_at TEXT NOT NULL,
                state TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (subscriber, due_at) WHERE state = 'pending';
            """;
}

/// <param name="Attempt">1 for the first delivery of this event to this subscriber.</param>
public sealed record Delivery(long Seq, int Attempt, EventEnvelope Envelope);
