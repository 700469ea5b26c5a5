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
    IReadOnlyList<RunDecision> Decisions);
