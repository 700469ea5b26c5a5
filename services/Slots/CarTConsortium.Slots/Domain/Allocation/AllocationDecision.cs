using CarTConsortium.Slots.Domain.Waitlist;

namespace CarTConsortium.Slots.Domain.Allocation;

/// <summary>
/// What came of one request for a run and why, kept so that the service can explain it
/// later (ExplainAllocation): every run weighed with its verdict, and what the request got.
/// A waitlist offer adds the run it offered.
/// </summary>
public sealed record AllocationDecision(
    string RequestId,
    string Pseudonym,
    string TreatingInstitutionId,
    string ProductId,
    DateTimeOffset DecidedAt,
    string? BookingId,
    string? WaitlistEntryId,
    string Summary,
    IReadOnlyList<RunDecision> Decisions)
{
    /// <summary>The urgency the hospital declared; unspecified in decisions kept before it was.</summary>
    public UrgencyClass Urgency { get; init; }

    /// <summary>The treating institution's country; empty in decisions kept before it was.</summary>
    public string Country { get; init; } = "";

    /// <summary>The site of the booking the request got (held at once or offered later); none while it has none.</summary>
    public string? SiteId { get; init; }
}
