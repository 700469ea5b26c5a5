using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.UseCases.Allocation;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <summary>A hold on the run chosen for a request: what a request and a waitlist offer both make.</summary>
public static class NewHold
{
    /// <param name="waitlistEntryId">The entry the hold is offered to; none for a hold the hospital asked for.</param>
    /// <param name="holdFor">The configured hold (or offer) time.</param>
    /// <param name="emergencyJustification">Why the hospital declared an emergency, kept with the booking.</param>
    public static Booking Of(WeighedRun chosen, RunRequest request, Caller caller, DateTimeOffset now, UrgencyClass urgency, string requestId,
        string? waitlistEntryId, TimeSpan holdFor, string? emergencyJustification)
    {
        var run = chosen.Run.Value;
        var terms = new HoldTerms(run.CapacityId, run.SiteId, run.ProductId, run.RunStart, request.Pseudonym, request.TreatingCountry, request.TreatingInstitutionId)
        {
            Urgency = urgency,
            Indication = request.Indication,
            RequestId = requestId,
            WaitlistEntryId = waitlistEntryId,
            SiteCountry = run.SiteCountry,
            EmergencyJustification = emergencyJustification,
        };
        return Booking.Hold(Guid.CreateVersion7(now).ToString(), terms, holdFor, caller, now);
    }
}
