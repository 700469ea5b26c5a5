using System.Diagnostics;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// The process's working set, read every <see cref="Interval"/> until disposed, and the highest read: the
/// platform's peak while it starts and is measured (it runs in this process, with the benchmark's clients).
/// </summary>
public sealed class WorkingSetSampler : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peak;

    public WorkingSetSampler() => _sampling = SampleAsync(_stop.Token);

    /// <summary>The highest working set read so far, in bytes.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    private async Task SampleAsync(CancellationToken ct)
    {
        using var process = Process.GetCurrentProcess();
        using var timer = new PeriodicTimer(Interval);
        do
        {
            process.Refresh();
            var now = process.WorkingSet64;
            if (now > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, now);
            }
        }
        while (await Tick(timer, ct));
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
