using Grpc.Core;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Waits out what the services learn from events a moment later (a site, a product, a new
/// patient): the same call again while it answers one of the given codes, up to a limit.
/// </summary>
public static class Retry
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    /// <summary>The status code, and the service's message when it gave one.</summary>
    public static string Describe(RpcException e) => e.Status.Detail.Length == 0 ? e.StatusCode.ToString() : $"{e.StatusCode} ({e.Status.Detail})";

    public static async Task<T> WhileAsync<T>(Func<CancellationToken, Task<T>> call, IReadOnlyCollection<StatusCode> retryOn, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                return await call(ct);
            }
            catch (RpcException e) when (retryOn.Contains(e.StatusCode) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(Pause, ct);
            }
        }
    }
}
