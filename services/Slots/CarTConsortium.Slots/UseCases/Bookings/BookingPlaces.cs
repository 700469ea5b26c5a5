using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <summary>What a booking's place in its run changes besides the booking: the period's ledger and the run's CapacityChanged.</summary>
public sealed class BookingPlaces(IDocumentStore store, TimeProvider clock, Allocator allocator)
{
    /// <summary>Gives the booking's place in its run back.</summary>
    public async Task FreeAsync(Booking booking, ChangeSet changes, CancellationToken ct)
    {
        var ledger = await allocator.LedgerAsync(booking.SiteId, booking.RunStart, ct);
        var freed = ledger.Value.Free(booking.CapacityId, booking.PatientCountry);
        changes.Update(SlotsCollections.PeriodLedgers, ledger, freed);
        await RaiseRunAsync(changes, booking.CapacityId, freed, ct);
    }

    /// <summary>The run's CapacityChanged with the places <paramref name="ledger"/> counts, if the run is published.</summary>
    public async Task RaiseRunAsync(ChangeSet changes, string capacityId, PeriodLedger ledger, CancellationToken ct)
    {
        if (await store.FindAsync(SlotsCollections.Runs, capacityId, ct) is { } run)
        {
            changes.Raise(SlotsEvents.CapacityChanged(run, ledger), clock);
        }
    }
}
