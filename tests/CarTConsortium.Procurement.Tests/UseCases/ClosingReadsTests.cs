using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Storage;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// The closing job reads only what can be due: after its first round, only the open pools closing on the days since
/// the last complete round (the <c>closing_day</c> key), and for its next wake-up only the first day ahead that has
/// one; it closes exactly what a recomputation over every stored pool says is due.
/// </summary>
public sealed class ClosingReadsTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();
    private readonly Random _random = new(2017);
    private ReadCountingStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        _store = new ReadCountingStore(_harness.Store);
    }

    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Rounds_after_the_first_read_only_the_pools_closing_since_the_last_and_close_exactly_the_due_ones()
    {
        var closing = new CloseDuePools(_store, _harness.Clock);
        var next = new NextClosingTime(_store, _harness.Clock);
        await OpenRandomPoolsAsync(40, withinDays: 45);
        Assert.Equal(0, await closing.ExecuteAsync(None));
        var sweptThrough = ClosingSweep.DayOf(_harness.Now);

        var closedInRounds = 0;
        for (var round = 0; round < 10; round++)
        {
            await OpenRandomPoolsAsync(3, withinDays: 20);
            _harness.Clock.Advance(TimeSpan.FromHours(_random.Next(6, 96)));
            var open = (await AllAsync()).Where(p => p.Value.Status == PoolStatus.Open).ToList();
            var due = open.Where(p => p.Value.IsDueToCloseAt(_harness.Now)).Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
            var today = ClosingSweep.DayOf(_harness.Now);
            var inDays = open.Count(p => ClosingSweep.DayOf(p.Value.ClosesAt) >= sweptThrough && ClosingSweep.DayOf(p.Value.ClosesAt) <= today);
            _store.Reset();

            Assert.Equal(due.Count, await closing.ExecuteAsync(None));

            // Read: the open pools closing on the days since the last round (today's not yet due among them), no other.
            Assert.Equal(inDays, _store.ReadOf(ProcurementCollections.Pools));
            Assert.All(_store.QueriesOf(ProcurementCollections.Pools), q => Assert.Equal([PoolKeys.ClosingDay], q.Where.Keys));
            var stillOpen = (await AllAsync()).Where(p => p.Value.Status == PoolStatus.Open).ToList();
            Assert.Equal(due, open.Select(p => p.Id).Except(stillOpen.Select(p => p.Id)).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(stillOpen, p => p.Value.IsDueToCloseAt(_harness.Now));
            closedInRounds += due.Count;
            sweptThrough = today;

            // The next wake-up: the earliest closing time, read from the first day ahead that has one.
            _store.Reset();
            var earliest = stillOpen.Min(p => (DateTimeOffset?)p.Value.ClosesAt);
            Assert.Equal(earliest, await next.ExecuteAsync(None));
            Assert.Equal(stillOpen.Count(p => earliest is { } e && ClosingSweep.DayOf(p.Value.ClosesAt) == ClosingSweep.DayOf(e)),
                _store.ReadOf(ProcurementCollections.Pools));
        }
        // The data gave the rounds pools to close, and pools open beyond them not to read.
        Assert.InRange(closedInRounds, 5, 60);
        Assert.Contains(await AllAsync(), p => p.Value.Status == PoolStatus.Open && ClosingSweep.DayOf(p.Value.ClosesAt) > ClosingSweep.DayOf(_harness.Now).AddDays(1));
    }

    [Fact]
    public async Task A_first_round_and_one_after_a_long_pause_read_every_open_pool_and_miss_nothing()
    {
        var closing = new CloseDuePools(_store, _harness.Clock);
        await OpenRandomPoolsAsync(12, withinDays: 120);
        await closing.ExecuteAsync(None);
        _harness.Clock.Advance(TimeSpan.FromDays(ClosingSweep.MaxDaysToRead + 5));
        var due = (await AllAsync()).Count(p => p.Value.IsDueToCloseAt(_harness.Now));
        _store.Reset();

        Assert.Equal(due, await closing.ExecuteAsync(None));
        Assert.All(_store.QueriesOf(ProcurementCollections.Pools), q => Assert.Equal([PoolKeys.Status], q.Where.Keys));
        Assert.InRange(due, 1, 11);
    }

    [Fact]
    public void The_days_read_run_from_the_mark_s_day_to_today()
    {
        var today = new DateOnly(2026, 3, 10);
        Assert.Null(ClosingSweep.DaysToRead(null, today));
        Assert.Null(ClosingSweep.DaysToRead(today.AddDays(-ClosingSweep.MaxDaysToRead - 1), today));
        Assert.Equal([today.AddDays(-2), today.AddDays(-1), today], ClosingSweep.DaysToRead(today.AddDays(-2), today));
        Assert.Equal([today], ClosingSweep.DaysToRead(today, today));
        Assert.Equal([today], ClosingSweep.DaysToRead(today.AddDays(3), today));
    }

    private async Task OpenRandomPoolsAsync(int count, int withinDays)
    {
        for (var i = 0; i < count; i++)
        {
            await _harness.OpenSamplePoolAsync(closesAt: _harness.Now.AddMinutes(_random.Next(60, withinDays * 24 * 60)));
        }
    }

    private Task<List<Stored<Pool>>> AllAsync() => _harness.Store.QueryAllAsync(ProcurementCollections.Pools, DocumentQuery.All, None);
}
