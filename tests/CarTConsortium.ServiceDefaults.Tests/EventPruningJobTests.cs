using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.ServiceDefaults.Jobs;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.ServiceDefaults.Tests;

public sealed class EventPruningJobTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-pruning-");

    [Fact]
    public async Task A_round_prunes_what_is_older_than_the_retention_on_the_apps_clock_and_never_a_pending_event()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = JobServices.On(Path.Combine(_folder, "app.db"), clock);
        var store = services.GetRequiredService<SqliteDocumentStore>();
        var published = new OutboxMessage(Guid.CreateVersion7().ToString(), "t", "{}", null, clock.GetUtcNow());
        var pending = new OutboxMessage(Guid.CreateVersion7().ToString(), "t", "{}", null, clock.GetUtcNow());
        await store.CommitAsync(new ChangeSet().Publish(published).Publish(pending).MarkHandled("slots", "some-event"));
        await store.MarkPublishedAsync(published.Id);
        var job = new EventPruningJob(services.GetRequiredService<IServiceScopeFactory>(), clock,
            Options.Create(new EventRetentionOptions { Retention = TimeSpan.FromDays(7) }), NullLogger<EventPruningJob>.Instance);

        clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(new PrunedEvents(0, 0), await job.RunOnceAsync(TestContext.Current.CancellationToken));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(new PrunedEvents(1, 1), await job.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal([pending.Id], (await store.ReadPendingAsync(10)).Select(m => m.Id));
        Assert.False(await store.HasHandledAsync("slots", "some-event"));
    }

    [Fact]
    public async Task A_round_deletes_idempotency_key_records_older_than_their_retention_and_not_before()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        await using var services = JobServices.On(Path.Combine(_folder, "keys.db"), clock);
        var store = services.GetRequiredService<SqliteDocumentStore>();
        var caller = new CarTConsortium.BuildingBlocks.Security.Caller("officer", "portal", "KZ", null, new HashSet<string>());
        var key = IdempotencyKey.Of("retry-0123456789abcdef", caller, "OpenPool", new { Name = "pool" })!;
        await store.CommitAsync(new ChangeSet().Remember(key, "pool-1", clock));
        var job = new EventPruningJob(services.GetRequiredService<IServiceScopeFactory>(), clock,
            Options.Create(new EventRetentionOptions { IdempotencyKeyRetention = TimeSpan.FromDays(2) }), NullLogger<EventPruningJob>.Instance);

        clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1));
        await job.RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(await store.FindAsync(IdempotencyKey.Records, key.DocumentId));

        clock.Advance(TimeSpan.FromMinutes(2));
        await job.RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.Null(await store.FindAsync(IdempotencyKey.Records, key.DocumentId));
    }

    public void Dispose()
    {
        _folder.Dispose();
    }
}
