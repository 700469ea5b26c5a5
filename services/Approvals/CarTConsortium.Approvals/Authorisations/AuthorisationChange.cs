using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.Authorisations;

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

    public static readonly Collection<AuthorisationChange> Collection = new("authorisation_history", ("authorisation_id", c => c.AuthorisationId));

    /// <summary>Ids sort by revision within an authorisation, so keyset paging reads the history in order.</summary>
    public static string IdOf(string authorisationId, long revision) => FormattableString.Invariant($"{authorisationId}#{revision:D8}");

    public static AuthorisationChange By(Caller caller, string action, Stored<Authorisation> after, IReadOnlyList<FieldChange> changes, string reason, DateTimeOffset now) =>
        new(after.Id, after.Version, now, caller.Subject, caller.ClientId, caller.Country, action, changes, reason);

    public static AuthorisationChange BySystem(string action, Stored<Authorisation> after, IReadOnlyList<FieldChange> changes, string reason, DateTimeOffset now) =>
        new(after.Id, after.Version, now, "system", "approvals", null, action, changes, reason);
}
