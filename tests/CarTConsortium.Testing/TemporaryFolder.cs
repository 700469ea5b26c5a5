using Microsoft.Data.Sqlite;

namespace CarTConsortium.Testing;

/// <summary>
/// A fresh folder for one test's SQLite files, removed afterwards. Pooled SQLite
/// connections keep their files open, so the pools are cleared before the folder goes.
/// </summary>
public sealed class TemporaryFolder(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public static implicit operator string(TemporaryFolder folder) => folder.Path;

    public override string ToString() => Path;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
