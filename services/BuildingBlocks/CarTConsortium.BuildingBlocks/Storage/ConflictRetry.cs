using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using CarTConsortium.BuildingBlocks.Errors;
using Polly;
using Polly.Retry;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// Runs a use case again, from its reads, when its commit lost an optimistic race: a
/// document it read changed (ABORTED), or a document it meant to create appeared first.
/// For use cases that decide from shared counters (places in a run) and must not hand the
/// race back to the caller. The delays are real time, not the app's clock: they pace
/// contending writers, they are not part of the domain. Every retry is counted
/// (<see cref="RetriesName"/>, tagged <c>use_case</c>), so contention shows on a dashboard and in the benchmarks.
/// </summary>
public static class ConflictRetry
{
    public const int MaxAttempts = 200;

    /// <summary>The meter of <see cref="RetriesName"/>: process-wide, as the retry loop is.</summary>
    public const string MeterName = "CarTConsortium.Storage";

    /// <summary>Attempts run again after a lost race, tagged <c>use_case</c> with the calling file's name (one use case per file).</summary>
    public const string RetriesName = "consortium.storage.conflict_retries";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Retries = Meter.CreateCounter<long>(RetriesName,
        description: "Attempts run again because their commit lost an optimistic race, by use case");

    private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<ConcurrencyConflictException>(e => e is not CallerRevisionStaleException)
                .Handle<DocumentExistsException>(),
            MaxRetryAttempts = MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(40),
            OnRetry = args =>
            {
                Retries.Add(1, new KeyValuePair<string, object?>("use_case", args.Context.OperationKey));
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>Runs <paramref name="attempt"/> until it commits; after <see cref="MaxAttempts"/> lost races the last conflict (ABORTED) reaches the caller.</summary>
    /// <param name="callerFile">Filled in by the compiler: the use case's file, whose name tags the retries.</param>
    public static async ValueTask<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> attempt, CancellationToken ct, [CallerFilePath] string callerFile = "")
    {
        var context = ResilienceContextPool.Shared.Get(UseCaseOf(callerFile), ct);
        try
        {
            return await Pipeline.ExecuteAsync(static (running, run) => run(running.CancellationToken), context, attempt);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>"RequestRun" of ".../UseCases/Bookings/RequestRun.cs", whichever separator the build used.</summary>
    public static string UseCaseOf(string callerFile)
    {
        var name = callerFile[(callerFile.LastIndexOfAny(['/', '\\']) + 1)..];
        return name.EndsWith(".cs", StringComparison.Ordinal) ? name[..^3] : name;
    }
}
