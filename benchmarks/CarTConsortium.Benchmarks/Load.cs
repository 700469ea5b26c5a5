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

/// <summary>Every call's outcome and latency, and the wall time of all of them.</summary>
public sealed class Measurement(IReadOnlyList<Outcome> outcomes, double[] latenciesMs, TimeSpan elapsed)
{
    private readonly double[] _sorted = [.. latenciesMs.Order()];

    public int Requests => outcomes.Count;

    public TimeSpan Elapsed => elapsed;

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

/// <summary>Closed-loop load: a number of clients share a fixed number of calls, each client sending its next as soon as its last is answered.</summary>
public static class Load
{
    /// <param name="call">Makes call number i (0-based) and says what it came to; a gRPC error becomes an error outcome here.</param>
    public static async Task<Measurement> RunAsync(int clients, int requests, Func<int, CancellationToken, Task<Outcome>> call, CancellationToken ct)
    {
        var outcomes = new Outcome[requests];
        var latencies = new double[requests];
        var next = -1;
        var wall = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
            {
                var started = Stopwatch.GetTimestamp();
                outcomes[i] = await CallAsync(call, i, ct);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }, ct));
        await Task.WhenAll(workers);
        wall.Stop();
        return new Measurement(outcomes, latencies, wall.Elapsed);
    }

    private static async Task<Outcome> CallAsync(Func<int, CancellationToken, Task<Outcome>> call, int i, CancellationToken ct)
    {
        try
        {
            return await call(i, ct);
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            return Outcome.Failed(e.StatusCode.ToString());
        }
    }
}
