using Microsoft.Data.Sqlite;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// One embedded SQLite database file as the standalone mode uses it: created on first
/// use, write-ahead logged, and synchronous so that an acknowledged commit survives a crash.
/// Shared by the storage adapter and the embedded event bus.
/// </summary>
public sealed class SqliteFile
{
    /// <summary>SQLITE_CONSTRAINT: a unique or primary key was taken.</summary>
    public const int ConstraintViolation = 19;

    private readonly string _connectionString;

    /// <param name="schema">Idempotent DDL (CREATE ... IF NOT EXISTS) run once at start.</param>
    public SqliteFile(string path, string schema)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Writers queue on SQLite's lock for up to this long instead of failing at once.
            DefaultTimeout = 30,
        }.ToString();

        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // WAL lets readers run beside the one writer; synchronous=FULL makes a commit durable.
        command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;\n" + schema;
        command.ExecuteNonQuery();
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>BEGIN IMMEDIATE: takes the write lock up front, so writers queue instead of deadlocking on upgrade.</summary>
    public static async Task<SqliteTransaction> BeginWriteAsync(SqliteConnection connection, CancellationToken ct) =>
        (SqliteTransaction)await connection.BeginTransactionAsync(ct);

    public static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return await command.ExecuteNonQueryAsync(ct);
    }
}
