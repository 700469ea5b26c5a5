namespace CarTConsortium.Approvals.Authorisations;

/// <summary>What a status or a pathway allows by itself, dates and scope aside.</summary>
public static class AuthorisationStanding
{
    /// <summary>Approved or conditionally approved: the statuses that allow use.</summary>
    public static bool IsApproval(AuthorisationStatus status) =>
        status is AuthorisationStatus.Approved or AuthorisationStatus.ConditionallyApproved;

    /// <summary>Whether the pathway can allow use at all (a breakthrough designation only speeds review).</summary>
    public static bool AllowsUse(Pathway pathway) => pathway != Pathway.BreakthroughDesignation;
}
