using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.ServiceDefaults.Jobs;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.ServiceDefaults.Tests;

public sealed class KeyBackfillJobTests : IDisposable
{
    private sealed record Sample(string? Lot, int Count);

    private static readonly Collection<Sample> Release1 = new("samples", ("count", s => s.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    private static readonly Collection<Sample> Release2 = new("samples", ("count", s => s.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("lot", s => s.Lot));

    private readonly TemporaryFolder _folder = new("cartc-backfill-");

    [Fact]
    public async Task Each_round_back_fills_the_declared_keys_of_documents_an_older_release_wrote_since_the_last_one()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        await using var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(clock)
            .AddSqliteStorage(Path.Combine(_folder, "app.db")).AddDocumentCollections(Release2).BuildServiceProvider();
        var store = services.GetRequiredService<SqliteDocumentStore>();
        var job = new KeyBackfillJob(services.GetRequiredService<IServiceScopeFactory>(), clock, NullLogger<KeyBackfillJob>.Instance);

        await store.CommitAsync(new ChangeSet().Insert(Release1, "a", new Sample("L-1", 1)));
        Assert.Equal(1, await job.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await job.RunOnceAsync(TestContext.Current.CancellationToken));

        await store.CommitAsync(new ChangeSet().Insert(Release1, "b", new Sample("L-1", 2)));
        Assert.Equal(1, await job.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["a", "b"], (await store.QueryAsync(Release2, DocumentQuery.All.WhereKey("lot", "L-1"))).Items.Select(i => i.Id));
    }

    public void Dispose()
    {
        _folder.Dispose();
    }
}
