using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Approvals.Domain.Authorisations;

/// <summary>
/// One change of an authorisation, kept for ever beside it: the revision it produced, who
/// made it (from the token; "system" for the expiry job), when, what changed and why.
/// Saved in the same commit as the change, so the history is complete by construction.
/// </summary>
public sealed record AuthorisationChange(
    string AuthorisationId,
    long Revision,
    DateTimeOffset ChangedAt,
    string Subject,
    string ClientId,
    string? CountryCode,
    string Action,
    IReadOnlyList<FieldChange> Changes,
    string Reason)
{
    public const string Recorded = "RECORDED";
    public const string StatusChanged = "STATUS_CHANGED";
    public const string Amended = "AMENDED";
    public const string Expired = "EXPIRED";

    /// <param name="revision">The revision the change produced.</param>
    public static AuthorisationChange By(Caller caller, string action, string authorisationId, long revision, IReadOnlyList<FieldChange> changes, string reason,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new(authorisationId, revision, now, caller.Subject, caller.ClientId, caller.Country, action, changes, reason);
    }

    /// <param name="revision">The revision the change produced.</param>
    public static AuthorisationChange BySystem(string action, string authorisationId, long revision, IReadOnlyList<FieldChange> changes, string reason, DateTimeOffset now) =>
        new(authorisationId, revision, now, "system", "approvals", null, action, changes, reason);
}
