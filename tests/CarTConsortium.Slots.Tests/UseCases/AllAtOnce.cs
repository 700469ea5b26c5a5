namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// Calls that start at the same instant. Each runs on a thread of its own, released together by
/// one barrier, so they overlap for real: the SQLite adapter works synchronously under its async
/// methods, and on the two threads of a small thread pool they would mostly run one after another.
/// How fast they run is the benchmarks' to measure (benchmarks/README.md), never a test's to assert.
/// </summary>
public static class AllAtOnce
{
    /// <summary>Every call, awaited to its end whether it succeeded or failed; the tasks in the order of <paramref name="calls"/>.</summary>
    public static async Task<Task<T>[]> RunAsync<T>(IReadOnlyList<Func<Task<T>>> calls)
    {
        using var gate = new Barrier(calls.Count + 1);
        var started = calls.Select(call => Task.Factory.StartNew(() =>
        {
            gate.SignalAndWait();
            return call();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();
        gate.SignalAndWait();
        // WhenAny of the whole never throws: each call's failure stays on its own task for the test to read.
        await Task.WhenAny(Task.WhenAll(started));
        return started;
    }
}
