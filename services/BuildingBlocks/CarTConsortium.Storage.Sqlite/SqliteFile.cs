using CarTConsortium.BuildingBlocks.Storage;
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

    /// <summary>SQLITE_CORRUPT and SQLITE_NOTADB: the file is damaged or not a database at all.</summary>
    private static readonly int[] Damaged = [11, 26];

    private readonly string _connectionString;

    /// <param name="schema">Idempotent DDL (CREATE ... IF NOT EXISTS) run once at start.</param>
    /// <param name="owner">The service (or the bus) the file belongs to, named in every error about it.</param>
    /// <exception cref="StoreUnavailableException">The file cannot be opened or is not a usable database.</exception>
    public SqliteFile(string path, string schema, string? owner = null)
    {
        FullPath = System.IO.Path.GetFullPath(path);
        Owner = owner ?? System.IO.Path.GetFileNameWithoutExtension(FullPath);
        try
        {
            var folder = System.IO.Path.GetDirectoryName(FullPath);
            if (folder is not null)
            {
                PrivateFiles.EnsureFolder(folder, tightenExisting: false);
            }
            PrivateFiles.EnsureDatabaseFile(FullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"The {Owner} database {FullPath} cannot be created or opened: {e.Message}", e);
        }
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Writers queue on SQLite's lock for up to this long instead of failing at once.
            DefaultTimeout = 30,
        }.ToString();

        using var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // WAL lets readers run beside the one writer; synchronous=FULL makes a commit durable.
            command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;\n" + HealthSchema + schema;
            command.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            // A pooled handle would keep the damaged file open after it is replaced.
            SqliteConnection.ClearPool(connection);
            throw new StoreUnavailableException(Describe(e), e);
        }
    }

    /// <summary>The database file, absolute.</summary>
    public string FullPath { get; }

    /// <summary>Who the file belongs to, e.g. "slots" or "bus".</summary>
    public string Owner { get; }

    /// <summary>"The slots database /data/slots.db ...": what went wrong with this file and what to do.</summary>
    public string Describe(SqliteException e) => Damaged.Contains(e.SqliteErrorCode)
        ? $"The {Owner} database {FullPath} is damaged or not a SQLite database ({e.Message}). Stop the platform, restore the file "
            + "from a backup, or move it aside to start this service empty (see README, \"When a database is damaged or missing\")."
        : $"The {Owner} database {FullPath} cannot be used: {e.Message}";

    /// <summary>Writes one row in a small table of its own: proof that the file takes commits now.</summary>
    public async Task ProbeWriteAsync(DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = await BeginWriteAsync(connection, ct);
        await ExecuteAsync(connection, "INSERT INTO health_probe (id, probed_at) VALUES (1, $at) ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at", ct,
            ("$at", at.ToString("O")));
        await transaction.CommitAsync(ct);
    }

    private const string HealthSchema = "CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, probed_at TEXT NOT NULL);\n";

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
