namespace CarTConsortium.Approvals;

/// <summary>Settings of the approvals service ("Approvals" section).</summary>
public sealed class ApprovalsOptions
{
    public const string Section = "Approvals";

    /// <summary>How often approved authorisations are checked for a passed expiry: more than zero, at most one day.</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromHours(1);
}
