using CarTConsortium.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// A fake clock that also keeps every alarm set on it (a timer's due time, as a point on this
/// clock), so that a test can wait until a background loop has gone to sleep until a given
/// time before it moves the clock there. Moving it earlier would race the loop: a timer armed
/// after the move counts its delay from the new time.
/// </summary>
public sealed class WatchedClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly List<DateTimeOffset> _alarms = [];

    /// <summary>Every alarm set so far, in the order set.</summary>
    public IReadOnlyList<DateTimeOffset> Alarms
    {
        get
        {
            lock (_alarms)
            {
                return [.. _alarms];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Watched(base.CreateTimer(callback, state, dueTime, period), this);
        Record(dueTime);
        return timer;
    }

    /// <summary>Waits (in real time, up to ten seconds) until an alarm is set for <paramref name="at"/>; fails saying <paramref name="what"/> did not happen.</summary>
    public Task AlarmSetForAsync(DateTimeOffset at, string what) => Eventually.HoldsAsync(() => Task.FromResult(Alarms.Contains(at)), what, timeoutSeconds: 10);

    private void Record(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }
        var at = GetUtcNow() + dueTime;
        lock (_alarms)
        {
            _alarms.Add(at);
        }
    }

    private sealed class Watched(ITimer inner, WatchedClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            clock.Record(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
