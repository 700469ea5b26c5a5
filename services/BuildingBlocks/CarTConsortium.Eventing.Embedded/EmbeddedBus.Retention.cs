using System.Globalization;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.Storage.Sqlite;

namespace CarTConsortium.Eventing.Embedded;

/// <summary>
/// Pruning the bus: a message leaves once every subscriber settled its delivery (done or dropped) and the last
/// settlement is older than the retention; its deliveries go with it. What <see cref="HasServedAsync"/> must
/// still know (that an app had data) is kept in <c>served</c> first. A rebuild by replay then relearns only
/// what is within the retention: the bus is not a backup. Which subscriber lost deliveries that way, and up to
/// when, is kept in <c>pruned</c>, so that a rebuild can say it is incomplete (<see cref="PrunedBeforeAsync"/>).
/// </summary>
public sealed partial class EmbeddedBus : ITransportRetention
{
    private const string RetentionSchema = """
            CREATE TABLE IF NOT EXISTS served (app TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS deliveries_message ON deliveries (message_id);
            CREATE TABLE IF NOT EXISTS pruned (subscriber TEXT PRIMARY KEY, before TEXT NOT NULL) WITHOUT ROWID;
            """;

    public Task<int> PruneDeliveredAsync(DateTimeOffset before, CancellationToken ct = default) =>
        _file.WriteAsync(connection =>
        {
            SqliteFile.Execute(connection, """
                INSERT OR IGNORE INTO served (app)
                    SELECT DISTINCT source FROM messages
                    UNION SELECT DISTINCT subscriber FROM deliveries WHERE state <> 'pending'
                """);
            // Candidates: no delivery pending, and every delivery settled before the cutoff (due_at is when it was last due).
            SqliteFile.Execute(connection, """
                CREATE TEMP TABLE IF NOT EXISTS prunable (id TEXT PRIMARY KEY);
                DELETE FROM prunable;
                INSERT INTO prunable (id)
                    SELECT m.id FROM messages m
                    WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND (d.state = 'pending' OR d.due_at >= $before))
                      AND (EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id) OR m.occurred_at < $before);
                """, ("$before", Timestamp(before)));
            // Every pruned delivery was settled before the cutoff: remember, per subscriber, the latest such cutoff.
            SqliteFile.Execute(connection, """
                INSERT INTO pruned (subscriber, before)
                    SELECT DISTINCT subscriber, $before FROM deliveries WHERE message_id IN (SELECT id FROM prunable)
                ON CONFLICT (subscriber) DO UPDATE SET before = MAX(before, excluded.before)
                """, ("$before", Timestamp(before)));
            SqliteFile.Execute(connection, "DELETE FROM deliveries WHERE message_id IN (SELECT id FROM prunable)");
            var pruned = SqliteFile.Execute(connection, "DELETE FROM messages WHERE id IN (SELECT id FROM prunable)");
            SqliteFile.Execute(connection, "DROP TABLE prunable");
            return pruned;
        }, ct);

    /// <summary>
    /// The latest cutoff before which deliveries to <paramref name="subscriber"/> were pruned, or null when
    /// none was: a replay (<see cref="ReplayAsync"/>) cannot bring back events delivered to it before then.
    /// </summary>
    public Task<DateTimeOffset?> PrunedBeforeAsync(string subscriber, CancellationToken ct = default) =>
        TimeOfAsync("SELECT before FROM pruned WHERE subscriber = $subscriber", subscriber, ct);

    /// <summary>The one timestamp <paramref name="sql"/> reads for <paramref name="subscriber"/>, if any.</summary>
    private async Task<DateTimeOffset?> TimeOfAsync(string sql, string subscriber, CancellationToken ct)
    {
        await using var connection = await _file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$subscriber", subscriber);
        return await command.ExecuteScalarAsync(ct) is string at
            ? DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
            : null;
    }
}
