using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Registry.Domain.AccessLog;

/// <summary>Why patient-level data is read; every read must say.</summary>
public enum AccessPurpose
{
    Treatment,
    FollowUp,
    Booking,
    QualityReview,
    Research,
}

/// <summary>
/// One patient's record returned to one caller: who (from the token), when, what and why.
/// Entries are only ever inserted, in the same commit as nothing else: a read whose entry
/// cannot be saved returns nothing.
/// </summary>
public sealed record AccessLogEntry(
    string EntryId,
    DateTimeOffset ReadAt,
    string Subject,
    string ClientId,
    string? CountryCode,
    string? InstitutionId,
    string Rpc,
    string Pseudonym,
    AccessPurpose Purpose,
    string Justification)
{
    public const int MaxJustification = 200;

    /// <summary>The reason a read gives, checked before anything is read.</summary>
    public sealed record Reason(AccessPurpose Purpose, string Justification);

    public static Reason CheckReason(AccessPurpose? purpose, string? justification, Validator validator)
    {
        validator
            .Check(purpose is not null, "purpose", "is required: why the patient-level data is read (TREATMENT, FOLLOW_UP, BOOKING, QUALITY_REVIEW or RESEARCH)")
            .MaxLength(justification, MaxJustification, "justification");
        return new Reason(purpose ?? AccessPurpose.Treatment, justification?.Trim() ?? "");
    }

    /// <summary>The entries for <paramref name="pseudonyms"/> read by <paramref name="caller"/> now, ordered by time through their ids.</summary>
    public static IEnumerable<AccessLogEntry> For(Caller caller, string rpc, IEnumerable<string> pseudonyms, Reason reason, DateTimeOffset now) =>
        pseudonyms.Select(pseudonym => new AccessLogEntry(Guid.CreateVersion7(now).ToString(), now, caller.Subject, caller.ClientId, caller.Country,
            caller.Org, rpc, pseudonym, reason.Purpose, reason.Justification));
}
