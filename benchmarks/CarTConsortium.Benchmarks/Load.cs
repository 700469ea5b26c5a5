using System.Diagnostics;
using Grpc.Core;

namespace CarTConsortium.Benchmarks;

public enum OutcomeKind
{
    /// <summary>A call that books nothing answered OK (the WhoAmI baseline).</summary>
    Answered,
    Booked,
    /// <summary>OK, but no run fits: neither a booking nor a waitlist entry.</summary>
    Refused,
    Error,
}

/// <summary>What one call came to; an error names its gRPC status code, or what was wrong with an OK answer.</summary>
public readonly record struct Outcome(OutcomeKind Kind, string? Error = null)
{
    public static Outcome Answered { get; } = new(OutcomeKind.Answered);
    public static Outcome Booked { get; } = new(OutcomeKind.Booked);
    public static Outcome Refused { get; } = new(OutcomeKind.Refused);

    public static Outcome Failed(string why) => new(OutcomeKind.Error, why);
}

/// <summary>Every call's outcome and latency, the wall time of all of them, and the thread pool's peaks meanwhile.</summary>
public sealed class Measurement(IReadOnlyList<Outcome> outcomes, double[] latenciesMs, TimeSpan elapsed, PoolPeaks pool)
{
    /// <summary>The error a call answered with HTTP 408 (request timeout) records, over REST or gRPC.</summary>
    public const string RequestTimeout = "HTTP 408";

    private readonly double[] _sorted = [.. latenciesMs.Order()];

    public int Requests => outcomes.Count;

    public TimeSpan Elapsed => elapsed;

    public PoolPeaks Pool => pool;

    public int TimedOut => outcomes.Count(o => o.Kind == OutcomeKind.Error && o.Error == RequestTimeout);

    public int Count(OutcomeKind kind) => outcomes.Count(o => o.Kind == kind);

    /// <summary>Errors by what they were, most frequent first.</summary>
    public IReadOnlyList<(string Error, int Count)> Errors => outcomes
        .Where(o => o.Kind == OutcomeKind.Error)
        .GroupBy(o => o.Error ?? "unknown")
        .Select(g => (g.Key, g.Count()))
        .OrderByDescending(e => e.Item2)
        .ToList();

    /// <summary>E.g. "5 booked, 2 Unimplemented": every kind of outcome that occurred, with its count.</summary>
    public string Summary() => string.Join(", ", outcomes
        .GroupBy(o => o.Kind == OutcomeKind.Error ? o.Error ?? "unknown" : o.Kind.ToString().ToLowerInvariant())
        .Select(g => $"{g.Count()} {g.Key}"));

    /// <summary>The nearest-rank percentile of every call's latency in milliseconds, errors included.</summary>
    public double Percentile(double p) => Percentiles.NearestRank(_sorted, p);
}

/// <summary>
/// Closed-loop load: a number of clients share a fixed number of calls, each client sending its next as soon as its last is
/// answered. Every client is ready before any sends (a barrier), so the first calls arrive at once.
/// </summary>
public static class Load
{
    /// <param name="call">Makes call number i (0-based) and says what it came to; a gRPC error becomes an error outcome here.</param>
    /// <param name="partitioned">
    /// Client c makes calls c, c + clients, c + 2 x clients...: a call's number says which client makes it (the spread
    /// scenario gives each client ledgers of its own). Otherwise each client takes the next call not yet sent.
    /// </param>
    public static async Task<Measurement> RunAsync(int clients, int requests, Func<int, CancellationToken, Task<Outcome>> call, CancellationToken ct,
        bool partitioned = false)
    {
        var outcomes = new Outcome[requests];
        var latencies = new double[requests];
        var next = -1;
        var ready = new CountdownEvent(clients);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            ready.Signal();
            await go.Task;
            var i = partitioned ? client : Interlocked.Increment(ref next);
            while (i < requests)
            {
                var started = Stopwatch.GetTimestamp();
                outcomes[i] = await CallAsync(call, i, ct);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                i = partitioned ? i + clients : Interlocked.Increment(ref next);
            }
        }, ct)).ToList();
        using var sampler = PoolSampler.Start();
        // Waited for off the pool: the clients' tasks may need every pool thread to reach the barrier.
        await Task.Factory.StartNew(ready.Wait, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        ready.Dispose();
        var wall = Stopwatch.StartNew();
        go.SetResult();
        await Task.WhenAll(workers);
        wall.Stop();
        return new Measurement(outcomes, latencies, wall.Elapsed, sampler.Stop());
    }

    private static async Task<Outcome> CallAsync(Func<int, CancellationToken, Task<Outcome>> call, int i, CancellationToken ct)
    {
        try
        {
            return await call(i, ct);
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            // Grpc.Net.Client reports a non-200 HTTP answer as a status whose detail names the HTTP status code.
            return Outcome.Failed(e.Status.Detail.Contains("HTTP status code: 408", StringComparison.Ordinal)
                ? Measurement.RequestTimeout : e.StatusCode.ToString());
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            // REST: no HTTP answer at all (a connection refused or reset).
            return Outcome.Failed("no HTTP answer: " + e.HttpRequestError);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return Outcome.Failed("no answer within the HTTP client's timeout");
        }
    }
}
