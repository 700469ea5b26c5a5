using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// Issue 16, point 8: the restore rehearsal of docs/operations.md, "Backup and restore", for the
/// standalone mode: a backup taken while the service writes, restored into a fresh host, holds
/// every write acknowledged before the backup began.
/// </summary>
public sealed class SqliteBackupRehearsalTests : IDisposable
{
    private static readonly Collection<Vial> Vials = new("vials", ("site", v => v.Site), ("lot", v => v.Lot));

    private readonly TemporaryFolder _folder = new("cartc-backup-");

    [Fact]
    public async Task A_backup_taken_while_the_service_writes_restores_every_acknowledged_write()
    {
        var live = new SqliteDocumentStore(Path.Combine(_folder, "live", "slots.db"), new OutboxSignal(), "slots");
        var acknowledged = new List<string>();
        using var stop = new CancellationTokenSource();
        var writing = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"v{i:D6}";
                await live.CommitAsync(new ChangeSet().Insert(Vials, id, new Vial($"L-{i}", "astana", i)).Publish(Message(id)));
                lock (acknowledged)
                {
                    acknowledged.Add(id);
                }
            }
        });
        await Eventually.HoldsAsync(() => Task.FromResult(Acknowledged(acknowledged) >= 50), "50 writes acknowledged", timeoutSeconds: 30);

        string[] beforeBackup;
        lock (acknowledged)
        {
            beforeBackup = [.. acknowledged];
        }
        var backup = Path.Combine(_folder, "backups", "slots-20261207.db");
        Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
        await SqliteBackup.BackupAsync(live.File, backup, CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(Acknowledged(acknowledged) >= beforeBackup.Length + 20), "writes acknowledged after the backup", timeoutSeconds: 30);
        await stop.CancelAsync();
        await writing;

        // Restore: the backup becomes the data file of a fresh host.
        var restoredPath = Path.Combine(_folder, "restored", "slots.db");
        Directory.CreateDirectory(Path.GetDirectoryName(restoredPath)!);
        File.Copy(backup, restoredPath);
        var services = new ServiceCollection().AddLogging();
        services.AddSqliteStorage(restoredPath, "slots");
        services.AddDocumentCollections(Vials);
        await using var host = services.BuildServiceProvider();
        foreach (var started in host.GetServices<IHostedService>())
        {
            await started.StartAsync(CancellationToken.None);
        }
        var restored = host.GetRequiredService<IDocumentStore>();

        foreach (var id in beforeBackup)
        {
            Assert.NotNull(await restored.FindAsync(Vials, id));
        }
        var events = (await host.GetRequiredService<IOutbox>().ReadPendingAsync(100_000)).Select(message => message.Topic).ToHashSet();
        Assert.Empty(beforeBackup.Select(id => "consortium.test.v1." + id).Except(events));
        await Assert.ThrowsAsync<IOException>(() => SqliteBackup.BackupAsync(live.File, backup, CancellationToken.None));
    }

    public void Dispose() => _folder.Dispose();

    private static int Acknowledged(List<string> acknowledged)
    {
        lock (acknowledged)
        {
            return acknowledged.Count;
        }
    }

    private static OutboxMessage Message(string name) =>
        new(Guid.CreateVersion7().ToString(), "consortium.test.v1." + name, "{}", null, new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
}
