using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// The writer when things go wrong: an error after which SQLite rolls back the whole group's transaction fails every
/// job of the group with that error (nothing reported committed that was not), and no exception ends its thread.
/// </summary>
public sealed class SqliteWriterFaultTests : IDisposable
{
    private const string TriggerMessage = "scratch rolled back by its trigger";

    // RAISE(ROLLBACK) makes SQLite roll back the whole transaction, as SQLITE_FULL or SQLITE_IOERR may.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS scratch (name TEXT PRIMARY KEY);
        CREATE TRIGGER IF NOT EXISTS scratch_boom BEFORE INSERT ON scratch WHEN NEW.name = 'boom'
        BEGIN SELECT RAISE(ROLLBACK, 'scratch rolled back by its trigger'); END;
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TemporaryFolder _folder = new("cartc-writer-faults-");
    private readonly string _owner = $"writer-fault-{Guid.NewGuid():N}";

    private string DatabasePath => Path.Combine(_folder, "scratch.db");

    [Fact]
    public async Task A_write_after_which_SQLite_rolls_back_the_transaction_fails_its_whole_group_with_that_error()
    {
        using var file = new SqliteFile(DatabasePath, Schema, _owner);
        var (before, group) = await RunGroupAsync(file, "a", "boom", "c");

        await before.WaitAsync(Patience);
        foreach (var job in group)
        {
            // The cause itself, for the jobs before and after the failing one too (not "no such savepoint").
            var error = await Assert.ThrowsAsync<SqliteException>(() => job.WaitAsync(Patience));
            Assert.Contains(TriggerMessage, error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(["before"], await NamesAsync(file));

        // The writer goes on: the next write commits.
        await Insert(file, "after");
        Assert.Equal(["after", "before"], await NamesAsync(file));
    }

    [Fact]
    public async Task A_write_that_handles_the_error_itself_still_fails_its_group_once_the_transaction_is_gone()
    {
        using var file = new SqliteFile(DatabasePath, Schema, _owner);
        var (before, group) = await RunGroupAsync(file, [
            () => Insert(file, "first"),
            () => file.WriteAsync(connection =>
            {
                try
                {
                    SqliteFile.Execute(connection, "INSERT INTO scratch (name) VALUES ('boom')");
                }
                catch (SqliteException)
                {
                    // As a store mapping an error it expects might: the job itself returns normally.
                }
            }, CancellationToken.None),
            () => Insert(file, "last"),
        ]);

        await before.WaitAsync(Patience);
        foreach (var job in group)
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => job.WaitAsync(Patience));
            Assert.Contains(TriggerMessage, error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(["before"], await NamesAsync(file));
    }

    [Fact]
    public async Task A_job_throwing_a_non_SQLite_exception_fails_alone_and_its_neighbours_commit()
    {
        using var file = new SqliteFile(DatabasePath, Schema, _owner);
        var (before, group) = await RunGroupAsync(file, [
            () => Insert(file, "first"),
            () => file.WriteAsync(connection =>
            {
                SqliteFile.Execute(connection, "INSERT INTO scratch (name) VALUES ('half')");
                throw new InvalidOperationException("the job's own bug");
            }, CancellationToken.None),
            () => Insert(file, "last"),
        ]);

        await Task.WhenAll(before, group[0], group[2]).WaitAsync(Patience);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => group[1].WaitAsync(Patience));
        Assert.Equal("the job's own bug", error.Message);
        Assert.Equal(["before", "first", "last"], await NamesAsync(file));
        await Insert(file, "after").WaitAsync(Patience);
    }

    [Fact]
    public async Task A_throwing_metrics_listener_neither_fails_committed_writes_nor_stops_the_writer()
    {
        using var file = new SqliteFile(DatabasePath, Schema, _owner);
        using var exporter = new SqliteWriterTests.GroupSizes(_owner, () => throw new InvalidOperationException("an exporter's bug"));

        // Committed, so reported committed; and the writer still takes the next write.
        await Insert(file, "one").WaitAsync(Patience);
        await Insert(file, "two").WaitAsync(Patience);
        Assert.Equal(["one", "two"], await NamesAsync(file));
        Assert.Equal(2, exporter.Transactions);
    }

    /// <summary>One write taken alone while another connection holds the lock, then <paramref name="names"/> queued behind it as one group.</summary>
    private static Task<(Task Before, Task[] Group)> RunGroupAsync(SqliteFile file, params string[] names) =>
        RunGroupAsync(file, [.. names.Select(name => (Func<Task>)(() => Insert(file, name)))]);

    /// <summary>One insert taken alone while another connection holds the lock, then <paramref name="jobs"/> queued behind it as one group.</summary>
    private static async Task<(Task Before, Task[] Group)> RunGroupAsync(SqliteFile file, Func<Task>[] jobs)
    {
        Task before;
        Task[] group;
        await using (var holder = await SqliteWriteLock.HoldAsync(file.FullPath))
        {
            before = Insert(file, "before");
            await WaitUntilAsync(() => file.Writer.QueueLength == 0);
            group = [.. jobs.Select(job => job())];
            await WaitUntilAsync(() => file.Writer.QueueLength == jobs.Length);
        }
        return (before, group);
    }

    private static Task<int> Insert(SqliteFile file, string name) =>
        file.WriteAsync(connection => SqliteFile.Execute(connection, "INSERT INTO scratch (name) VALUES ($name)", ("$name", name)), CancellationToken.None);

    private static async Task<List<string>> NamesAsync(SqliteFile file)
    {
        await using var connection = await file.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM scratch ORDER BY name";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    private static async Task WaitUntilAsync(Func<bool> condition) =>
        await Eventually.HoldsAsync(() => Task.FromResult(condition()), "the writer reached the expected state", (int)Patience.TotalSeconds);

    public void Dispose()
    {
        _folder.Dispose();
    }
}
