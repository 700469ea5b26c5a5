using CarTConsortium.BuildingBlocks.Errors;
using Polly;
using Polly.Retry;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// Runs a use case again, from its reads, when its commit lost an optimistic race: a
/// document it read changed (ABORTED), or a document it meant to create appeared first.
/// For use cases that decide from shared counters (places in a run) and must not hand the
/// race back to the caller. The delays are real time, not the app's clock: they pace
/// contending writers, they are not part of the domain.
/// </summary>
public static class ConflictRetry
{
    public const int MaxAttempts = 200;

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
        })
        .Build();

    /// <summary>Runs <paramref name="attempt"/> until it commits; after <see cref="MaxAttempts"/> lost races the last conflict (ABORTED) reaches the caller.</summary>
    public static ValueTask<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> attempt, CancellationToken ct) =>
        Pipeline.ExecuteAsync(attempt, ct);
}
