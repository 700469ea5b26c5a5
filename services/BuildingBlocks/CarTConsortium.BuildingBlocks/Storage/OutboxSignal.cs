namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// A wake-up for a background loop that also polls: many notifications before the loop
/// wakes count as one, and a lost one costs latency only.
/// </summary>
public abstract class WakeUpSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending; one is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _pending.WaitAsync(timeout, ct);

    public void Dispose()
    {
        _pending.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Wakes the outbox relay when a commit saved events, so they go out at once instead
/// of at the next poll. Losing a signal costs latency, never an event: the relay polls.
/// </summary>
public sealed class OutboxSignal : WakeUpSignal;
