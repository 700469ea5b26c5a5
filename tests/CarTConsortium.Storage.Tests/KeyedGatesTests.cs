using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Concurrency;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>The keyed gates the use cases queue at before deciding against a shared document: first come first served, ordinal order, clean-up, cancellation, no re-entry.</summary>
public sealed class KeyedGatesTests : IDisposable
{
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(60);
    private static readonly CancellationToken None = CancellationToken.None;

    // A meter of this test's own, so parallel tests' waits are not counted here.
    private readonly string _meterName = "KeyedGatesTests." + Guid.NewGuid().ToString("N");
    private readonly TestMeters _meters = new();
    private readonly MeterListener _listener = new();
    private long _waits;

    public KeyedGatesTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == _meterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _waits, value));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meters.Dispose();
    }

    private KeyedGates NewGates() => new(_meters, _meterName, "test.gate_waits", "Gates found taken in this test");

    /// <summary>Starts entering from a flow of its own (as another request would) and returns once the caller holds or queues.</summary>
    private static async Task<Task<KeyedGates.Pass>> QueuedAsync(KeyedGates gates, CancellationToken ct, params string[] keys) =>
        (await Task.Run(() => new Entering(gates.EnterAsync(keys, ct)))).Pass;

    [Fact]
    public async Task Callers_queued_at_a_taken_gate_get_it_in_the_order_they_came_and_each_wait_is_counted()
    {
        var gates = NewGates();
        var holder = await await QueuedAsync(gates, None, "window");
        var queued = new List<Task<KeyedGates.Pass>>();
        for (var i = 0; i < 10; i++)
        {
            queued.Add(await QueuedAsync(gates, None, "window"));
        }
        var order = new ConcurrentQueue<int>();
        var done = queued.Select(async (entering, i) =>
        {
            using var pass = await entering;
            order.Enqueue(i);
        }).ToArray();

        Assert.All(queued, q => Assert.False(q.IsCompleted));
        holder.Dispose();
        await Task.WhenAll(done).WaitAsync(Hung);

        Assert.Equal(Enumerable.Range(0, 10), order);
        Assert.Equal(10, Interlocked.Read(ref _waits));
        Assert.Equal(0, gates.Open);
    }

    [Fact]
    public async Task Keys_are_entered_once_each_in_ordinal_order_so_callers_naming_them_crosswise_never_deadlock()
    {
        var gates = NewGates();
        using (var pass = await await QueuedAsync(gates, None, "c", "a", "c", "B", "b"))
        {
            Assert.Equal(["B", "a", "b", "c"], pass.Keys);
        }

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            using var pass = await gates.EnterAsync(i % 2 == 0 ? ["x", "y"] : ["y", "x"], None);
            await Task.Yield();
        }))).WaitAsync(Hung);
        Assert.Equal(0, gates.Open);
    }

    [Fact]
    public async Task A_gate_is_removed_as_soon_as_nobody_holds_or_waits_for_it()
    {
        var gates = NewGates();
        var held = await await QueuedAsync(gates, None, "p", "q");
        var waiting = await QueuedAsync(gates, None, "q");
        Assert.Equal(2, gates.Open);

        held.Dispose();
        held.Dispose();
        using (await waiting.WaitAsync(Hung))
        {
            Assert.Equal(1, gates.Open);
        }
        Assert.Equal(0, gates.Open);
    }

    [Fact]
    public async Task A_cancelled_caller_holds_nothing_and_the_next_in_line_still_gets_the_gate()
    {
        var gates = NewGates();
        var held = await await QueuedAsync(gates, None, "k");
        using var cancel = new CancellationTokenSource();
        var cancelled = await QueuedAsync(gates, cancel.Token, "j", "k");
        var next = await QueuedAsync(gates, None, "k");

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Hung));
        using (await (await QueuedAsync(gates, None, "j")).WaitAsync(Hung))
        {
            Assert.False(next.IsCompleted);
        }
        held.Dispose();
        (await next.WaitAsync(Hung)).Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gates.EnterAsync("k", cancel.Token));
        Assert.Equal(0, gates.Open);
    }

    [Fact]
    public async Task A_flow_holding_a_gate_is_refused_another_of_the_same_instance_until_it_leaves()
    {
        var gates = NewGates();
        var pass = await gates.EnterAsync("kz-astana-childrens", None);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => gates.EnterAsync("other", None));
        Assert.Contains("kz-astana-childrens", refused.Message, StringComparison.Ordinal);
        (await NewGates().EnterAsync("kz-astana-childrens", None)).Dispose();

        pass.Dispose();
        (await gates.EnterAsync("kz-astana-childrens", None).WaitAsync(Hung)).Dispose();
        Assert.Equal(0, gates.Open);
    }

    private sealed record Entering(Task<KeyedGates.Pass> Pass);

    private sealed class TestMeters : IMeterFactory
    {
        private readonly ConcurrentBag<Meter> _made = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _made.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _made)
            {
                meter.Dispose();
            }
        }
    }
}
