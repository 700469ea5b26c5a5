using Microsoft.Data.Sqlite;

namespace CarTConsortium.Identity.Storage;

/// <summary>
/// The provider's SQLite file holds password hashes, client secret hashes and (encrypted) private
/// keys: on Unix it is created readable by the service's user only (0600), in a folder it creates
/// 0700; a file left 0644 by an older version is narrowed. SQLite gives its journal files the
/// database file's mode.
/// </summary>
internal static class DatabaseFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Prepare(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (OperatingSystem.IsWindows() || builder.Mode == SqliteOpenMode.Memory
            || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:")
        {
            return;
        }
        var path = Path.GetFullPath(builder.DataSource);
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, FolderMode);
        }
        if (File.Exists(path))
        {
            File.SetUnixFileMode(path, FileMode);
            return;
        }
        // Created empty with its mode before SQLite writes a byte (SQLite reads an empty file as an empty database).
        try
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another provider on the same file (a second replica in one process, in tests) created it in between.
            File.SetUnixFileMode(path, FileMode);
        }
    }
}
