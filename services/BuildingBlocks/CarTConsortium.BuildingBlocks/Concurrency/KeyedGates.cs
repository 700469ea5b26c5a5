using System.Diagnostics.Metrics;

namespace CarTConsortium.BuildingBlocks.Concurrency;

/// <summary>
/// One asynchronous gate per key (a shared document's id) in this process: use cases that decide
/// against one document enter its gate before they read it and leave after their commit, so they
/// queue in arrival order instead of retrying against each other; a fresh request cannot overtake
/// one that lost a race. Other processes and replicas are still kept apart by the store's version
/// checks (<see cref="Storage.ConflictRetry"/>). The owner keeps one instance per module (a singleton).
/// </summary>
/// <remarks>
/// A gate exists only while someone holds or waits for it, so the dictionary never grows with
/// history. Several keys are entered in ordinal order, so two callers never wait for each other
/// crosswise. Gates are not re-entrant: entering again in the same flow while holding is refused,
/// not a deadlock. Waiters of one gate get it first come, first served.
/// </remarks>
public sealed class KeyedGates
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly AsyncLocal<Pass?> _held = new();
    private readonly Counter<long> _waits;

    /// <param name="meterName">The owner's meter, on which <paramref name="waitsName"/> counts entries that found a gate taken and queued.</param>
    public KeyedGates(IMeterFactory meters, string meterName, string waitsName, string waitsDescription)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _waits = meters.Create(meterName).CreateCounter<long>(waitsName, description: waitsDescription);
    }

    /// <summary>Gates that someone holds or waits for now.</summary>
    public int Open
    {
        get
        {
            lock (_gates)
            {
                return _gates.Count;
            }
        }
    }

    /// <summary>Enters the gates of <paramref name="keys"/> (duplicates once, in ordinal order); dispose the pass after the commit.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="ct"/> is cancelled while waiting; nothing is held then.</exception>
    /// <exception cref="InvalidOperationException">When this flow holds gates of this instance already.</exception>
    /// <remarks>Not an async method: the flow's record of what it holds must outlive this call. Wrappers must not be async either.</remarks>
    public Task<Pass> EnterAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (_held.Value is { IsHeld: true } held)
        {
            throw new InvalidOperationException(
                $"This flow holds gate(s) {string.Join(", ", held.Keys)} already: the use case that entered passes what it read to its helpers.");
        }
        var ordered = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var pass = new Pass(this, ordered);
        // Set here, before the first await, so that it stays in the caller's flow until the pass is disposed.
        _held.Value = pass;
        return EnterInOrderAsync(pass, ct);
    }

    /// <summary>Enters the gate of one key.</summary>
    public Task<Pass> EnterAsync(string key, CancellationToken ct) => EnterAsync([key], ct);

    private async Task<Pass> EnterInOrderAsync(Pass pass, CancellationToken ct)
    {
        try
        {
            ct.ThrowIfCancellationRequested();
            foreach (var key in pass.Keys)
            {
                var gate = Join(key);
                try
                {
                    // SemaphoreSlim hands a released slot to its oldest asynchronous waiter: first come, first served.
                    if (!gate.Semaphore.Wait(0, CancellationToken.None))
                    {
                        _waits.Add(1);
                        await gate.Semaphore.WaitAsync(ct);
                    }
                }
                catch
                {
                    Leave(key, gate, entered: false);
                    throw;
                }
                pass.Entered(gate);
            }
            return pass;
        }
        catch
        {
            pass.Dispose();
            throw;
        }
    }

    private Gate Join(string key)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(key, out var gate))
            {
                gate = new Gate();
                _gates.Add(key, gate);
            }
            gate.Users++;
            return gate;
        }
    }

    private void Leave(string key, Gate gate, bool entered)
    {
        if (entered)
        {
            gate.Semaphore.Release();
        }
        lock (_gates)
        {
            if (--gate.Users == 0)
            {
                // Nobody holds or waits for it: the next caller makes a new one.
                _gates.Remove(key);
                gate.Semaphore.Dispose();
            }
        }
    }

    private void Left(Pass pass)
    {
        if (ReferenceEquals(_held.Value, pass))
        {
            _held.Value = null;
        }
    }

    /// <summary>The gates one caller holds; disposing leaves them (once).</summary>
    public sealed class Pass : IDisposable
    {
        private readonly KeyedGates _owner;
        private readonly List<Gate> _entered = [];
        private int _disposed;

        internal Pass(KeyedGates owner, IReadOnlyList<string> keys)
        {
            _owner = owner;
            Keys = keys;
        }

        /// <summary>The keys, distinct and in the order entered.</summary>
        public IReadOnlyList<string> Keys { get; }

        internal bool IsHeld => Volatile.Read(ref _disposed) == 0;

        internal void Entered(Gate gate) => _entered.Add(gate);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            for (var i = _entered.Count - 1; i >= 0; i--)
            {
                _owner.Leave(Keys[i], _entered[i], entered: true);
            }
            _owner.Left(this);
        }
    }

    internal sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>Holders and waiters; guarded by the dictionary's lock.</summary>
        public int Users { get; set; }
    }
}
