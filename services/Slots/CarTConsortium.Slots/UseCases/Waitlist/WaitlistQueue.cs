using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Bookings;

namespace CarTConsortium.Slots.UseCases.Waitlist;

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
        var waiting = await store.QueryAllAsync(SlotsCollections.Waitlist,
            DocumentQuery.All.WhereKey(IndexKeys.ProductId, productId).WhereKey(IndexKeys.Status, nameof(WaitlistStatus.Waiting)), ct);
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
        var entries = new List<Stored<WaitlistEntry>>();
        foreach (var status in new[] { WaitlistStatus.Waiting, WaitlistStatus.Offered })
        {
            entries.AddRange(await store.QueryAllAsync(SlotsCollections.Waitlist,
                DocumentQuery.All.WhereKey(IndexKeys.ProductId, productId).WhereKey(IndexKeys.Status, status.ToString()), ct));
        }
        return entries;
    }
}
