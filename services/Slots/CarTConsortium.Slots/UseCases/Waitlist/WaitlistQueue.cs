using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Bookings;

namespace CarTConsortium.Slots.UseCases.Waitlist;

/// <summary>One entry's turn in a round of offers: <see cref="Line"/> holds the entries given turns, in order, and the entry is at <see cref="Index"/>.</summary>
/// <param name="PositionAsync">The entry's position in its product's whole waitlist, as the offer's summary shows it.</param>
/// <param name="RoomRunIds">
/// The runs with room at the round's start, of which <see cref="Line"/> was built; null when the line holds every waiting entry.
/// </param>
public sealed record WaitlistTurn(IReadOnlyList<WaitlistEntry> Line, int Index, Func<CancellationToken, Task<int>> PositionAsync,
    IReadOnlySet<string>? RoomRunIds = null)
{
    public WaitlistEntry Entry => Line[Index];

    /// <summary>The entries given a turn before this one: a place one of them still wants is owed to it first.</summary>
    public IReadOnlyList<WaitlistEntry> Ahead => [.. Line.Take(Index)];
}

/// <summary>The reads of the waitlist that requesting a run, offering freed places and listing the waitlist share.</summary>
public sealed class WaitlistQueue(IDocumentStore store, Allocator allocator, InstitutionHolds holds)
{
    /// <summary>
    /// The first of <paramref name="ahead"/> (entries ranked before whoever asks) still waiting
    /// that <paramref name="run"/> fits now, and whose institution may hold one more: the place is owed to it, in the waitlist's order.
    /// </summary>
    public async Task<WaitlistEntry?> OwedToAsync(IEnumerable<WaitlistEntry> ahead, Stored<ManufacturingRun> run, DateOnly today, CancellationToken ct)
    {
        foreach (var earlier in ahead)
        {
            // Where and when an entry wants a run never changes: only the entries that want this one are read again.
            if (!earlier.Wants(run.Value.SiteId, run.Value.RunStart))
            {
                continue;
            }
            var still = await store.FindAsync(SlotsCollections.Waitlist, earlier.EntryId, ct);
            if (still is not { Value.Status: WaitlistStatus.Waiting } || !still.Value.Wants(run.Value.SiteId, run.Value.RunStart))
            {
                continue;
            }
            // An entry passed over while its institution is at its limit is owed nothing now (OfferFreedPlaces).
            if ((await holds.ReadAsync(still.Value.TreatingInstitutionId, still.Value.PatientCountry, ct)).RefusalOfOneMore is not null)
            {
                continue;
            }
            if (await RequestOfAsync(still.Value, ct) is { } request
                && (await allocator.WeighAsync(request, [run], today, ct)).Single().Decision.Fits)
            {
                return still.Value;
            }
        }
        return null;
    }

    /// <summary>The entries of a product's waitlist that rank before a new request for it, in order.</summary>
    public async Task<IReadOnlyList<WaitlistEntry>> AheadOfAsync(string productId, WaitlistEntry newcomer, CancellationToken ct)
    {
        var waiting = await WaitingAsync(productId, ct);
        if (waiting.Count == 0)
        {
            return [];
        }
        return [.. WaitlistOrder.Rank(waiting.Select(w => w.Value).Append(newcomer))
            .TakeWhile(r => r.Entry.EntryId != newcomer.EntryId).Select(r => r.Entry)];
    }

    /// <summary>The request an entry stands for, with the patient as the registry last said; null once registry consent is withdrawn.</summary>
    public async Task<RunRequest?> RequestOfAsync(WaitlistEntry entry, CancellationToken ct) =>
        (await store.FindAsync(SlotsCollections.KnownPatients, entry.Pseudonym, ct))?.Value is { InRegistry: true } patient
            ? new RunRequest(entry.Pseudonym, entry.ProductId, entry.Indication, entry.TreatingInstitutionId, entry.PatientCountry,
                patient.BirthYear, patient.BirthMonth, patient.SharedAcrossBorders)
            : null;

    /// <summary>The entries of a product's waitlist still in line (waiting or holding an offer), in no order.</summary>
    public async Task<List<Stored<WaitlistEntry>>> OpenEntriesAsync(string productId, CancellationToken ct)
    {
        var entries = await WaitingAsync(productId, ct);
        entries.AddRange(await store.QueryAllAsync(SlotsCollections.Waitlist,
            DocumentQuery.All.WhereKey(IndexKeys.ProductId, productId).WhereKey(IndexKeys.Status, nameof(WaitlistStatus.Offered)), ct));
        return entries;
    }

    /// <summary>The entries of a product's waitlist still waiting, in no order: by the one key that holds only those.</summary>
    public async Task<List<Stored<WaitlistEntry>>> WaitingAsync(string productId, CancellationToken ct) =>
        await store.QueryAllAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey(IndexKeys.WaitingProduct, productId), ct);

    /// <summary>
    /// The turns of a round of offers on <paramref name="today"/>: product by product (in the order of each product's oldest
    /// waiting entry), the waiting entries that want a run with a place free now, in the waitlist's order. An entry that
    /// wants no such run is offered nothing and is owed no place this round, so it is neither read nor given a turn:
    /// the round offers exactly what a round over every waiting entry offered, reading only the runs open to booking and
    /// the entries whose window can reach one of those with room.
    /// </summary>
    public async Task<List<WaitlistTurn>> TurnsAsync(DateOnly today, CancellationToken ct)
    {
        var products = new List<(string OldestEntryId, string ProductId, List<Stored<ManufacturingRun>> WithRoom)>();
        foreach (var product in await store.QueryAllAsync(SlotsCollections.KnownProducts, DocumentQuery.All, ct))
        {
            var withRoom = await RunsWithRoomAsync(product.Id, today, ct);
            var oldest = withRoom.Count == 0 ? null
                : (await store.QueryAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey(IndexKeys.WaitingProduct, product.Id) with { Limit = 1 }, ct)).Items;
            if (oldest is [var first])
            {
                products.Add((first.Id, product.Id, withRoom));
            }
        }
        var turns = new List<WaitlistTurn>();
        foreach (var (_, productId, withRoomStored) in products.OrderBy(p => p.OldestEntryId, StringComparer.Ordinal))
        {
            var withRoom = withRoomStored.Select(r => r.Value).ToList();
            var wanting = (await MayWantAsync(productId, withRoom, today, ct)).Select(e => e.Value).Where(e => WaitingEntries.WantsAny(e, withRoom));
            var line = WaitlistOrder.Rank(wanting).Select(r => r.Entry).ToList();
            var positions = new Positions(this, productId);
            var roomRunIds = withRoomStored.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            turns.AddRange(line.Select((entry, index) =>
                new WaitlistTurn(line, index, positionCt => positions.OfAsync(entry.EntryId, index + 1, positionCt), roomRunIds)));
        }
        return turns;
    }

    /// <summary>The product's bookable runs with a place anyone could be offered today.</summary>
    private async Task<List<Stored<ManufacturingRun>>> RunsWithRoomAsync(string productId, DateOnly today, CancellationToken ct)
    {
        var ledgers = new Dictionary<string, PeriodLedger?>(StringComparer.Ordinal);
        var withRoom = new List<Stored<ManufacturingRun>>();
        foreach (var run in await allocator.CandidatesAsync(productId, null, null, null, today, ct))
        {
            var ledgerId = PeriodLedger.IdOf(run.Value.SiteId, run.Value.RunStart);
            if (!ledgers.TryGetValue(ledgerId, out var ledger))
            {
                ledger = (await store.FindAsync(SlotsCollections.PeriodLedgers, ledgerId, ct))?.Value;
                ledgers[ledgerId] = ledger;
            }
            if (WaitingEntries.HasRoom(run.Value, ledger?.Runs.GetValueOrDefault(run.Id), today))
            {
                withRoom.Add(run);
            }
        }
        return withRoom;
    }

    /// <summary>The product's waiting entries whose latest start is not before the earliest of <paramref name="runs"/> (and some more).</summary>
    private async Task<List<Stored<WaitlistEntry>>> MayWantAsync(string productId, List<ManufacturingRun> runs, DateOnly today, CancellationToken ct)
    {
        var first = runs.Min(r => r.RunStart);
        if (Period.Start(first) <= Period.Start(today))
        {
            return await WaitingAsync(productId, ct); // Every bucket would be read: one query instead.
        }
        return await store.QueryBucketsAsync(SlotsCollections.Waitlist, IndexKeys.WaitingLatest, WaitingEntries.LatestBucketsToRead(productId, first, today), ct);
    }

    /// <summary>
    /// Entries' positions in the product's whole waitlist, for the offer's summary: read once per round, when the first
    /// offer is made, before any of the round's offers of the product (so as a read at the round's start finds them).
    /// </summary>
    private sealed class Positions(WaitlistQueue queue, string productId)
    {
        private Dictionary<string, int>? _positions;

        public async Task<int> OfAsync(string entryId, int inTurn, CancellationToken ct)
        {
            _positions ??= WaitlistOrder.Rank((await queue.WaitingAsync(productId, ct)).Select(e => e.Value))
                .ToDictionary(r => r.Entry.EntryId, r => r.Position, StringComparer.Ordinal);
            // An entry no longer waiting is offered nothing; its turn's place stands in for a position it no longer has.
            return _positions.GetValueOrDefault(entryId, inTurn);
        }
    }
}
