using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Concurrency;

namespace CarTConsortium.Slots.UseCases.Allocation;

/// <summary>
/// One asynchronous gate per period ledger (<see cref="Domain.Allocation.PeriodLedger.IdOf"/>) in this
/// process: the use cases that change a ledger enter its gate before they read it and leave after
/// their commit, so decisions against one ledger in one process queue instead of retrying against
/// each other. Other processes and replicas are still kept apart by the store's version checks
/// (<see cref="BuildingBlocks.Storage.ConflictRetry"/>). A singleton: one per module instance.
/// </summary>
/// <remarks>
/// The gates themselves are <see cref="KeyedGates"/>: they live only while held or waited for, several
/// are entered in ordinal order, and they are not re-entrant (a use case enters once and its helpers
/// take the ledgers it read).
/// </remarks>
public sealed class LedgerGates
{
    /// <summary>The counter of entries that found a gate taken and queued (meter <see cref="SlotsTelemetry.MeterName"/>).</summary>
    public const string WaitsName = "slots.ledger_gate_waits";

    private readonly KeyedGates _gates;

    public LedgerGates(IMeterFactory meters) =>
        _gates = new KeyedGates(meters, SlotsTelemetry.MeterName, WaitsName,
            "Ledger gates found taken: a decision queued behind another against the same ledger in this process");

    /// <summary>
    /// The gate of an institution's hold guard (<see cref="Domain.Institutions.InstitutionHoldGuard"/>), the other document every
    /// new hold commits against: entered with the ledgers, so one hospital's holds at different sites and months queue here
    /// instead of retrying against each other on the guard.
    /// </summary>
    public static string InstitutionGateOf(string institutionId) => "institution:" + institutionId;

    /// <summary>Gates that someone holds or waits for now.</summary>
    public int Open => _gates.Open;

    /// <summary>Enters the gates of <paramref name="ledgerIds"/> (duplicates once, in ordinal order); dispose the pass after the commit.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="ct"/> is cancelled while waiting; nothing is held then.</exception>
    /// <exception cref="InvalidOperationException">When this flow holds gates of this instance already.</exception>
    /// <remarks>Not async itself: the gates record in the caller's flow what it holds (see <see cref="KeyedGates.EnterAsync(IEnumerable{string}, CancellationToken)"/>).</remarks>
    public Task<LedgerPass> EnterAsync(IEnumerable<string> ledgerIds, CancellationToken ct) => PassOfAsync(_gates.EnterAsync(ledgerIds, ct));

    /// <summary>Enters the gate of one ledger.</summary>
    public Task<LedgerPass> EnterAsync(string ledgerId, CancellationToken ct) => EnterAsync([ledgerId], ct);

    private static async Task<LedgerPass> PassOfAsync(Task<KeyedGates.Pass> entering) => new(await entering);

    /// <summary>The gates one caller holds; disposing leaves them (once).</summary>
    public sealed class LedgerPass : IDisposable
    {
        private readonly KeyedGates.Pass _pass;

        internal LedgerPass(KeyedGates.Pass pass) => _pass = pass;

        public IReadOnlyList<string> LedgerIds => _pass.Keys;

        public void Dispose() => _pass.Dispose();
    }
}
