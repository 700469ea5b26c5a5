using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Data.Sqlite;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// One embedded SQLite database file as the standalone mode uses it: created on first
/// use, write-ahead logged, and synchronous so that an acknowledged commit survives a crash.
/// Shared by the storage adapter and the embedded event bus. Reads open their own pooled connections
/// (WAL readers never wait for the writer); every write goes through the file's one <see cref="SqliteWriter"/>.
/// </summary>
public sealed class SqliteFile : IDisposable, IAsyncDisposable
{
    /// <summary>SQLITE_CONSTRAINT: a unique or primary key was taken.</summary>
    public const int ConstraintViolation = 19;

    /// <summary>SQLITE_CORRUPT and SQLITE_NOTADB: the file is damaged or not a database at all.</summary>
    private static readonly int[] Damaged = [11, 26];

    private readonly string _connectionString;
    private readonly SqliteWriter _writer;

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
        _writer = new SqliteWriter(Open, Owner);
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

    /// <summary>The file's one writer: its group sizes and whether its thread runs.</summary>
    public SqliteWriter Writer => _writer;

    /// <summary>Writes one row in a small table of its own, through the writer: proof that the file takes commits now.</summary>
    public Task ProbeWriteAsync(DateTimeOffset at, CancellationToken ct) =>
        WriteAsync(connection => Execute(connection,
            "INSERT INTO health_probe (id, probed_at) VALUES (1, $at) ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at",
            ("$at", at.ToString("O"))), ct);

    /// <summary>
    /// Runs <paramref name="work"/> on the file's writer thread inside a write transaction shared with other queued
    /// writes (see <see cref="SqliteWriter"/>); completes once that transaction committed. The work is synchronous,
    /// must not commit, and its exception rolls back its own writes only.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken ct) => _writer.WriteAsync(work, ct);

    /// <inheritdoc cref="WriteAsync{T}"/>
    public Task WriteAsync(Action<SqliteConnection> work, CancellationToken ct) => _writer.WriteAsync(work, ct);

    /// <summary>Stops the writer once it committed what is queued; later writes fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _writer.Dispose();

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private const string HealthSchema = "CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, probed_at TEXT NOT NULL);\n";

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>One statement on the writer's connection (inside <see cref="WriteAsync{T}"/>); the rows it changed.</summary>
    public static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>A command with its parameters (null as SQL NULL), for a job that reads inside its transaction.</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }
}
