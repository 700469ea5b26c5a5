namespace CarTConsortium.Eventing.Dapr;

/// <summary>
/// Counts deliveries of each event to this app instance, because a redelivery from Dapr
/// does not say which attempt it is. Bounded: the least recently delivered event is
/// forgotten first, which at worst restarts that event's count (more retries, never a
/// lost event). Each instance counts only what it sees itself.
/// </summary>
internal sealed class DeliveryAttempts(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, int Count)>> _byKey = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, int Count)> _recent = new();
    private readonly int _capacity = Math.Max(1, capacity);

    /// <summary>Records one more delivery and returns its number (1 for the first).</summary>
    public int Next(string topic, string eventId)
    {
        var key = topic + "\n" + eventId;
        lock (_gate)
        {
            var count = 1;
            if (_byKey.Remove(key, out var node))
            {
                count = node.Value.Count + 1;
                _recent.Remove(node);
            }
            _byKey[key] = _recent.AddFirst((key, count));
            while (_byKey.Count > _capacity && _recent.Last is { } oldest)
            {
                _recent.RemoveLast();
                _byKey.Remove(oldest.Value.Key);
            }
            return count;
        }
    }

    /// <summary>The event is settled (handled or dead-lettered); no more deliveries to count.</summary>
    public void Forget(string topic, string eventId)
    {
        var key = topic + "\n" + eventId;
        lock (_gate)
        {
            if (_byKey.Remove(key, out var node))
            {
                _recent.Remove(node);
            }
        }
    }

    public int Tracked
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Count;
            }
        }
    }
}
