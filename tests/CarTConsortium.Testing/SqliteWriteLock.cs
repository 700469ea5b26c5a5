using Microsoft.Data.Sqlite;

namespace CarTConsortium.Testing;

/// <summary>
/// Another connection (as another process would) holding a SQLite file's write lock until disposed: writes queued
/// meanwhile wait for it, so a test knows exactly what is queued when the file's writer runs.
/// </summary>
public static class SqliteWriteLock
{
    /// <param name="databasePath">A file made by <c>SqliteFile</c> (it has the <c>health_probe</c> table written here).</param>
    public static async Task<IAsyncDisposable> HoldAsync(string databasePath)
    {
        var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using (var command = connection.CreateCommand())
        {
            // BEGIN IMMEDIATE takes the lock; a write makes sure it is held.
            command.CommandText = "INSERT INTO health_probe (id, probed_at) VALUES (2, 'held') ON CONFLICT (id) DO UPDATE SET probed_at = 'held'";
            await command.ExecuteNonQueryAsync();
        }
        return new Holder(connection, transaction);
    }

    private sealed class Holder(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.CommitAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
