namespace CarTConsortium.Benchmarks;

/// <summary>The thread pool's peaks during a scenario: work items queued and threads, as the platform in this process sees them.</summary>
public readonly record struct PoolPeaks(long QueueLength, int Threads);

/// <summary>
/// Samples the thread pool every <see cref="Interval"/> on a thread of its own, so a starved
/// pool is still sampled and the sampler takes no pool thread; two counter reads a sample.
/// </summary>
public sealed class PoolSampler : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _peakQueue;
    private int _peakThreads;

    private PoolSampler()
    {
        _thread = new Thread(Sample) { IsBackground = true, Name = "pool sampler" };
        _thread.Start();
    }

    public static PoolSampler Start() => new();

    /// <summary>Stops sampling (after one last sample) and gives the peaks.</summary>
    public PoolPeaks Stop()
    {
        _stopping = true;
        _thread.Join();
        return new PoolPeaks(_peakQueue, _peakThreads);
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }

    private void Sample()
    {
        while (true)
        {
            _peakQueue = Math.Max(_peakQueue, ThreadPool.PendingWorkItemCount);
            _peakThreads = Math.Max(_peakThreads, ThreadPool.ThreadCount);
            if (_stopping)
            {
                return;
            }
            // A dedicated thread, not a pool thread: sleeping here costs the platform nothing.
            Thread.Sleep(Interval);
        }
    }
}
