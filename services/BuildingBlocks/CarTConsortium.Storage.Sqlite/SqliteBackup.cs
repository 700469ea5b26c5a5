using Microsoft.Data.Sqlite;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// A consistent copy of a service's database taken while the service runs: <c>VACUUM INTO</c>
/// reads one snapshot (WAL readers do not block the writer), so the copy holds every commit
/// acknowledged before it began and no half of one. docs/operations.md, "Backup and restore",
/// gives the same statement to operators (sqlite3 on the live file).
/// </summary>
public static class SqliteBackup
{
    /// <exception cref="IOException"><paramref name="destination"/> exists already: a backup never overwrites one.</exception>
    public static async Task BackupAsync(SqliteFile file, string destination, CancellationToken ct)
    {
        var target = Path.GetFullPath(destination);
        if (File.Exists(target))
        {
            throw new IOException($"The backup {target} exists already; choose a new name.");
        }
        await using var connection = await file.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $target";
        command.Parameters.AddWithValue("$target", target);
        await command.ExecuteNonQueryAsync(ct);
        SqliteConnection.ClearPool(connection);
    }
}
