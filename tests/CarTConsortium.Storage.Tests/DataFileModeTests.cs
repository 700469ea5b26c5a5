using System.Runtime.Versioning;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>Issue 15, failure 9 (data files): SQLite files are the owner's alone, 0600 in 0700 folders.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class DataFileModeTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-modes-");

    [Fact]
    public async Task A_new_database_its_journal_files_and_its_new_folder_are_private()
    {
        var folder = Path.Combine(_folder, "data");
        var path = Path.Combine(folder, "registry.db");

        var store = new SqliteDocumentStore(path, new OutboxSignal(), "registry");
        await store.File.ProbeWriteAsync(DateTimeOffset.UtcNow, default);

        Assert.Equal(PrivateFiles.FolderMode, File.GetUnixFileMode(folder));
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            Assert.True(File.Exists(file), file + " exists");
            Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task A_world_readable_database_from_before_is_tightened_at_start()
    {
        var path = Path.Combine(_folder, "slots.db");
        await new SqliteDocumentStore(path, new OutboxSignal()).File.ProbeWriteAsync(DateTimeOffset.UtcNow, default);
        var open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.SetUnixFileMode(file, open);
        }

        _ = new SqliteDocumentStore(path, new OutboxSignal());

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void An_existing_data_folder_is_tightened_only_when_asked()
    {
        var folder = Path.Combine(_folder, "shared");
        Directory.CreateDirectory(folder);
        var open = PrivateFiles.FolderMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(folder, open);

        _ = new SqliteDocumentStore(Path.Combine(folder, "x.db"), new OutboxSignal());
        Assert.Equal(open, File.GetUnixFileMode(folder));

        PrivateFiles.EnsureFolder(folder, tightenExisting: true);
        Assert.Equal(PrivateFiles.FolderMode, File.GetUnixFileMode(folder));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
