namespace CarTConsortium.BuildingBlocks.Leases;

/// <summary>
/// The holder's own view of how long it may work under a lease: <see cref="LeaseOptions.WorkFor"/> from when its
/// last successful take or renewal was sent. A timer on the app's <see cref="TimeProvider"/> cancels the work's
/// token when that passes, whatever a hanging store call is doing. It is measured on the provider's monotonic
/// timestamps and never from the store's answer, so neither the store's clock nor a wall clock stepped
/// meanwhile can extend it. It cannot shorten the store's view though: where the store dates leases by its own clock
/// (MongoDB's replica-set members), those clocks must stay within <see cref="LeaseOptions.SafetyMargin"/> (a third of
/// the duration) of each other, because a server clock stepped forward ends the lease before this deadline.
/// </summary>
public sealed class LeaseDeadline : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _workFor;
    private readonly ITimer _timer;
    private long _sentAt;
    private volatile bool _passed;

    /// <param name="sentAt">The <see cref="TimeProvider.GetTimestamp"/> taken just before the take was sent.</param>
    /// <param name="held">Cancelled when the deadline passes.</param>
    public LeaseDeadline(TimeProvider clock, TimeSpan workFor, long sentAt, CancellationTokenSource held)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(held);
        _clock = clock;
        _workFor = workFor;
        _sentAt = sentAt;
        _timer = clock.CreateTimer(_ => Pass(held), null, DueIn(Left), Timeout.InfiniteTimeSpan);
    }

    /// <summary>How long the work may still run; zero or less once the deadline passed.</summary>
    public TimeSpan Left => _workFor - _clock.GetElapsedTime(Volatile.Read(ref _sentAt));

    /// <summary>The deadline passed without a renewal and the work was told to stop.</summary>
    public bool Passed => _passed;

    /// <summary>A renewal sent at <paramref name="sentAt"/> succeeded: the deadline moves to that send plus <see cref="LeaseOptions.WorkFor"/>.</summary>
    public void Renewed(long sentAt)
    {
        Volatile.Write(ref _sentAt, sentAt);
        _timer.Change(DueIn(Left), Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();

    // A timer cannot be set in the past: a deadline already gone fires at once.
    private static TimeSpan DueIn(TimeSpan left) => left > TimeSpan.Zero ? left : TimeSpan.Zero;

    private void Pass(CancellationTokenSource held)
    {
        _passed = true;
        try
        {
            held.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The work had already ended and its token was disposed.
        }
    }
}
