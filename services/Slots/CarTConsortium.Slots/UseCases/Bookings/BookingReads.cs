using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <summary>The reads the booking use cases share.</summary>
public sealed class BookingReads(IDocumentStore store)
{
    public const string IdViolation = "must be a booking id as RequestRun returned it";

    /// <summary>The booking; INVALID_ARGUMENT for an id slots never gave, NOT_FOUND for one it does not know.</summary>
    public async Task<Stored<Booking>> FindAsync(string? bookingId, CancellationToken ct)
    {
        new Validator().Check(Ids.IsId(bookingId), "booking_id", IdViolation).ThrowIfInvalid();
        return await store.FindAsync(SlotsCollections.Bookings, bookingId!, ct) ?? throw new NotFoundException($"No booking '{bookingId}'.");
    }

    /// <summary>The request a booking answers, as the rules need it now (consents and the patient's details from the read model).</summary>
    public async Task<RunRequest> RunRequestOfAsync(Booking booking, CancellationToken ct)
    {
        var patient = (await store.FindAsync(SlotsCollections.KnownPatients, booking.Pseudonym, ct))?.Value;
        return new RunRequest(booking.Pseudonym, booking.ProductId, booking.Indication, booking.TreatingInstitutionId, booking.PatientCountry,
            patient?.BirthYear ?? 0, patient?.BirthMonth ?? 0, patient?.SharedAcrossBorders ?? false);
    }
}
