namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// Data files are the platform's patients, prices and keys: on Unix they are created readable by
/// the owning user only (files 0600, folders 0700), and existing ones are tightened at start.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // SQLite's companions of a database file: they hold the same data.
    private static readonly string[] Companions = ["", "-wal", "-shm", "-journal"];

    /// <summary>
    /// Creates <paramref name="folder"/> 0700 when it is missing; tightens an existing one only when
    /// <paramref name="tightenExisting"/> (a data folder the platform owns, never a shared one such as /tmp).
    /// </summary>
    public static void EnsureFolder(string folder, bool tightenExisting)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, FolderMode);
        }
        else if (tightenExisting)
        {
            File.SetUnixFileMode(folder, FolderMode);
        }
    }

    /// <summary>
    /// Creates the database file 0600 when it is missing (SQLite then gives its -wal and -shm files the
    /// same mode) and tightens the file and its companions when they exist.
    /// </summary>
    public static void EnsureDatabaseFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = FileMode,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // It exists already: tightened below.
        }
        foreach (var companion in Companions)
        {
            if (File.Exists(path + companion) && (File.GetUnixFileMode(path + companion) & ~FileMode) != 0)
            {
                File.SetUnixFileMode(path + companion, FileMode);
            }
        }
    }
}
