namespace CarTConsortium.Slots.Domain.Bookings;

/// <summary>
/// What one patient holds in slots: at most one active booking and at most one open
/// waitlist entry. Every use case that gives the patient either commits against this
/// document, so two simultaneous requests for one patient cannot both succeed.
/// </summary>
public sealed record PatientClaim(string Pseudonym, string? ActiveBookingId, string? OpenEntryId)
{
    public bool IsFree => ActiveBookingId is null && OpenEntryId is null;
}
