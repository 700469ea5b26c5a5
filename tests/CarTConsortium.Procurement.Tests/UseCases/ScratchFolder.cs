using Microsoft.Data.Sqlite;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// A fresh folder for one test's SQLite file, removed afterwards. It lies in memory-backed
/// /dev/shm where the machine has one: the store commits with synchronous=FULL, and on a
/// disk every commit then waits for an fsync (about 12 ms here), which would make the races,
/// hundreds of commits each, take far longer than their assertions need. Elsewhere it lies in
/// the system's temp folder. Pooled connections keep the file open, so they are cleared first.
/// </summary>
internal sealed class ScratchFolder : IDisposable
{
    private const string MemoryBacked = "/dev/shm";

    public ScratchFolder(string prefix)
    {
        var parent = Directory.Exists(MemoryBacked) ? MemoryBacked : System.IO.Path.GetTempPath();
        Path = Directory.CreateDirectory(System.IO.Path.Combine(parent, prefix + Guid.NewGuid().ToString("N"))).FullName;
    }

    public string Path { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
