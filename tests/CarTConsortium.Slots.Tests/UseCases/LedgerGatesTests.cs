using System.Diagnostics.Metrics;
using CarTConsortium.Slots.UseCases.Allocation;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>The in-process gates per ledger alone: exclusion per ledger, independence, ordered entry of several, clean-up, cancellation.</summary>
public sealed class LedgerGatesTests : IDisposable
{
    private static readonly TimeSpan Deadlocked = TimeSpan.FromSeconds(60);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private LedgerGates NewGates() => new(_services.GetRequiredService<IMeterFactory>());

    public void Dispose() => _services.Dispose();

    /// <summary>A pass held from another flow, as another request holds it (a flow that holds a gate may not enter another).</summary>
    private static Task<LedgerGates.LedgerPass> HeldElsewhereAsync(LedgerGates gates, params string[] ids) =>
        Task.Run(() => gates.EnterAsync(ids, CancellationToken.None));

    [Fact]
    public async Task Callers_of_one_ledger_are_inside_one_at_a_time_and_every_one_gets_in()
    {
        var gates = NewGates();
        var inside = 0;
        var most = 0;
        var done = 0;
        using var waits = CountedHere.LedgerGateWaits();

        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            using var pass = await gates.EnterAsync("kz-astana-gmp/2026-04", CancellationToken.None);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            await Task.Delay(1);
            Interlocked.Decrement(ref inside);
            Interlocked.Increment(ref done);
        }))).WaitAsync(Deadlocked);

        Assert.Equal((1, 64), (most, done));
        Assert.True(waits.Total > 0, "no caller found the gate taken: they did not overlap");
        Assert.Equal(0, gates.Open);
    }

    [Fact]
    public async Task Another_ledger_is_entered_at_once_while_one_is_held_and_the_held_one_only_once_it_is_left()
    {
        var gates = NewGates();
        var april = await HeldElsewhereAsync(gates, "site/2026-04");

        var may = gates.EnterAsync("site/2026-05", CancellationToken.None);
        Assert.True(may.IsCompletedSuccessfully, "a different ledger waited for the held one");
        (await may).Dispose();

        var aprilAgain = HeldElsewhereAsync(gates, "site/2026-04");
        await Task.Delay(50);
        Assert.False(aprilAgain.IsCompleted, "the held ledger was entered twice");
        april.Dispose();
        (await aprilAgain.WaitAsync(Deadlocked)).Dispose();
        Assert.Equal(0, gates.Open);
    }

    [Fact]
    public async Task Random_sets_of_ledgers_entered_all_at_once_never_deadlock_and_never_share_a_ledger()
    {
        var gates = NewGates();
        string[] ledgers = ["a/2026-01", "a/2026-02", "b/2026-01", "b/2026-02", "c/2026-01", "c/2026-02"];
        var inside = new int[ledgers.Length];
        var overlaps = 0;
        var random = new Random(20261208);
        // Each caller names its ledgers in its own (random) order, some twice: the gates take them in one order.
        var wanted = Enumerable.Range(0, 400)
            .Select(_ => Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(ledgers.Length)).ToArray())
            .ToList();

        await Task.WhenAll(wanted.Select(indexes => Task.Run(async () =>
        {
            using var pass = await gates.EnterAsync(indexes.Select(i => ledgers[i]), CancellationToken.None);
            var distinct = indexes.Distinct().ToArray();
            foreach (var i in distinct)
            {
                if (Interlocked.Increment(ref inside[i]) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }
            }
            await Task.Yield();
            foreach (var i in distinct)
            {
                Interlocked.Decrement(ref inside[i]);
            }
        }))).WaitAsync(Deadlocked);

        Assert.Equal(0, overlaps);
        Assert.Equal(0, gates.Open);
    }

    [Fact]
    public async Task A_gate_lives_only_while_someone_holds_or_waits_for_it()
    {
        var gates = NewGates();
        var first = await HeldElsewhereAsync(gates, "x/2026-04", "y/2026-04");
        var second = HeldElsewhereAsync(gates, "x/2026-04");
        await Task.Delay(20);
        Assert.Equal(2, gates.Open);

        first.Dispose();
        first.Dispose();
        var held = await second.WaitAsync(Deadlocked);
        Assert.Equal(1, gates.Open);
        held.Dispose();
        Assert.Equal(0, gates.Open);

        // Thousands of ledgers used once each leave nothing behind.
        for (var i = 0; i < 5_000; i++)
        {
            (await gates.EnterAsync($"site-{i}/2026-04", CancellationToken.None)).Dispose();
        }
        Assert.Equal(0, gates.Open);
    }

    [Fact]
    public async Task A_caller_cancelled_while_waiting_gets_no_gate_and_leaves_none_it_had_taken()
    {
        var gates = NewGates();
        var held = await HeldElsewhereAsync(gates, "b/2026-04");
        using var cancel = new CancellationTokenSource();

        // It takes a/... first (ordinal order), then waits for b/...
        var waiting = Task.Run(() => gates.EnterAsync(["b/2026-04", "a/2026-04"], cancel.Token));
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Deadlocked));

        var a = gates.EnterAsync("a/2026-04", CancellationToken.None);
        Assert.True(a.IsCompletedSuccessfully, "the cancelled caller kept the gate it had taken");
        (await a).Dispose();
        Assert.Equal(1, gates.Open);
        held.Dispose();
        Assert.Equal(0, gates.Open);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gates.EnterAsync("c/2026-04", cancel.Token));
        Assert.Equal(0, gates.Open);
    }

    [Fact]
    public async Task A_flow_that_holds_a_gate_is_refused_another_rather_than_deadlocked_and_may_enter_again_once_it_left()
    {
        var gates = NewGates();
        var pass = await gates.EnterAsync("site/2026-04", CancellationToken.None);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => gates.EnterAsync("site/2026-04", CancellationToken.None));
        Assert.Contains("site/2026-04", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => gates.EnterAsync("site/2026-05", CancellationToken.None));
        // Another instance of the module (another replica in the same test process) has gates of its own.
        (await NewGates().EnterAsync("site/2026-04", CancellationToken.None)).Dispose();

        pass.Dispose();
        (await gates.EnterAsync("site/2026-04", CancellationToken.None).WaitAsync(Deadlocked)).Dispose();
        Assert.Equal(0, gates.Open);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var was = Interlocked.CompareExchange(ref target, value, seen);
            if (was == seen)
            {
                return;
            }
            seen = was;
        }
    }
}
