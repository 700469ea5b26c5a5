using System.Diagnostics.Metrics;

namespace CarTConsortium.Slots.UseCases.Allocation;

/// <summary>
/// One asynchronous gate per period ledger (<see cref="Domain.Allocation.PeriodLedger.IdOf"/>) in this
/// process: the use cases that change a ledger enter its gate before they read it and leave after
/// their commit, so decisions against one ledger in one process queue instead of retrying against
/// each other. Other processes and replicas are still kept apart by the store's version checks
/// (<see cref="BuildingBlocks.Storage.ConflictRetry"/>). A singleton: one per module instance.
/// </summary>
/// <remarks>
/// A gate exists only while someone holds or waits for it, so the dictionary never grows with
/// history. Several ledgers are entered in ordinal order, so two callers never wait for each
/// other crosswise. Gates are not re-entrant: a use case enters once and its helpers take the
/// ledgers it read; entering again in the same flow while holding is refused, not a deadlock.
/// </remarks>
public sealed class LedgerGates
{
    /// <summary>The counter of entries that found a gate taken and queued (meter <see cref="SlotsTelemetry.MeterName"/>).</summary>
    public const string WaitsName = "slots.ledger_gate_waits";

    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly AsyncLocal<LedgerPass?> _held = new();
    private readonly Counter<long> _waits;

    public LedgerGates(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _waits = meters.Create(SlotsTelemetry.MeterName)
            .CreateCounter<long>(WaitsName, description: "Ledger gates found taken: a decision queued behind another against the same ledger in this process");
    }

    /// <summary>
    /// The gate of an institution's hold guard (<see cref="Domain.Institutions.InstitutionHoldGuard"/>), the other document every
    /// new hold commits against: entered with the ledgers, so one hospital's holds at different sites and months queue here
    /// instead of retrying against each other on the guard.
    /// </summary>
    public static string InstitutionGateOf(string institutionId) => "institution:" + institutionId;

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

    /// <summary>Enters the gates of <paramref name="ledgerIds"/> (duplicates once, in ordinal order); dispose the pass after the commit.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="ct"/> is cancelled while waiting; nothing is held then.</exception>
    /// <exception cref="InvalidOperationException">When this flow holds gates of this instance already.</exception>
    public Task<LedgerPass> EnterAsync(IEnumerable<string> ledgerIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ledgerIds);
        if (_held.Value is { IsHeld: true } held)
        {
            throw new InvalidOperationException(
                $"This flow holds ledger gate(s) {string.Join(", ", held.LedgerIds)} already: the use case that entered passes the ledgers it read to its helpers.");
        }
        var ids = ledgerIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var pass = new LedgerPass(this, ids);
        // Set here, before the first await, so that it stays in the caller's flow until the pass is disposed.
        _held.Value = pass;
        return EnterInOrderAsync(pass, ct);
    }

    /// <summary>Enters the gate of one ledger.</summary>
    public Task<LedgerPass> EnterAsync(string ledgerId, CancellationToken ct) => EnterAsync([ledgerId], ct);

    private async Task<LedgerPass> EnterInOrderAsync(LedgerPass pass, CancellationToken ct)
    {
        try
        {
            ct.ThrowIfCancellationRequested();
            foreach (var id in pass.LedgerIds)
            {
                var gate = Join(id);
                try
                {
                    if (!gate.Semaphore.Wait(0, CancellationToken.None))
                    {
                        _waits.Add(1);
                        await gate.Semaphore.WaitAsync(ct);
                    }
                }
                catch
                {
                    Leave(id, gate, entered: false);
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

    private Gate Join(string id)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(id, out var gate))
            {
                gate = new Gate();
                _gates.Add(id, gate);
            }
            gate.Users++;
            return gate;
        }
    }

    private void Leave(string id, Gate gate, bool entered)
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
                _gates.Remove(id);
                gate.Semaphore.Dispose();
            }
        }
    }

    private void Left(LedgerPass pass)
    {
        if (ReferenceEquals(_held.Value, pass))
        {
            _held.Value = null;
        }
    }

    /// <summary>The gates one caller holds; disposing leaves them (once).</summary>
    public sealed class LedgerPass : IDisposable
    {
        private readonly LedgerGates _owner;
        private readonly List<Gate> _entered = [];
        private int _disposed;

        internal LedgerPass(LedgerGates owner, IReadOnlyList<string> ledgerIds)
        {
            _owner = owner;
            LedgerIds = ledgerIds;
        }

        public IReadOnlyList<string> LedgerIds { get; }

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
                _owner.Leave(LedgerIds[i], _entered[i], entered: true);
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
