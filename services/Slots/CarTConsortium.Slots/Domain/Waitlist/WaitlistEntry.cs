namespace CarTConsortium.Slots.Domain.Waitlist;

/// <summary>Clinical urgency of a waiting patient; a lower number goes first.</summary>
public enum UrgencyClass
{
    Unspecified = 0,
    Emergency = 1,
    Urgent = 2,
    Standard = 3,
}

public enum WaitlistStatus
{
    Waiting,

    /// <summary>A run is held for the patient (<see cref="WaitlistEntry.OfferedBookingId"/>) until the hospital confirms or cancels it.</summary>
    Offered,
    Accepted,

    /// <summary>Declined, lapsed or withdrawn: <see cref="WaitlistEntry.ClosedReason"/> says which.</summary>
    Closed,
}

/// <summary>A patient waiting for a run of a product, and what the run must be.</summary>
/// <param name="JoinedAt">When the patient joined the list; time waited counts in whole UTC days.</param>
/// <param name="PriorFailedRun">The patient's manufacturing failed before: first in line for a re-run.</param>
/// <param name="PatientCountry">The treating institution's country.</param>
/// <param name="SiteId">Only runs at this site; any site when null.</param>
/// <param name="Draw">The patient's lottery draw for the product (<see cref="LotteryDraw"/>), of period <paramref name="DrawPeriod"/>; empty in entries made before draws were kept.</param>
/// <param name="EmergencyJustification">Why the hospital declared an emergency; only for <see cref="UrgencyClass.Emergency"/>.</param>
public sealed record WaitlistEntry(
    string EntryId,
    string Pseudonym,
    string PatientCountry,
    string TreatingInstitutionId,
    string ProductId,
    UrgencyClass Urgency,
    DateTimeOffset JoinedAt,
    bool PriorFailedRun,
    WaitlistStatus Status = WaitlistStatus.Waiting,
    string? OfferedBookingId = null,
    string RequestId = "",
    string? SiteId = null,
    DateOnly? EarliestStart = null,
    DateOnly? LatestStart = null,
    string Indication = "",
    string? ClosedReason = null,
    string Draw = "",
    string DrawPeriod = "",
    string? EmergencyJustification = null)
{
    /// <summary>Still in line: waiting, or holding an offer not yet answered.</summary>
    public bool IsOpen => Status is WaitlistStatus.Waiting or WaitlistStatus.Offered;

    /// <summary>Whether a run starting on <paramref name="runStart"/> at <paramref name="siteId"/> is one the entry waits for.</summary>
    public bool Wants(string siteId, DateOnly runStart) =>
        (SiteId is null || SiteId == siteId) && (EarliestStart is null || runStart >= EarliestStart) && (LatestStart is null || runStart <= LatestStart);
}
