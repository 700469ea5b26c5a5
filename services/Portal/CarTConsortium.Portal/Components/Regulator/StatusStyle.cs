using CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Portal.Components.Regulator;

/// <summary>
/// The colour of an authorisation's status on its page; the word is always shown beside it, so the colour is never the
/// only sign. Inline, because the portal's one style sheet belongs to the layout.
/// </summary>
public static class StatusStyle
{
    public static string Of(AuthorisationStatus status) => "border-left:6px solid " + Colour(status) + ";padding-left:.4rem;list-style:none";

    public static string Colour(AuthorisationStatus status) => status switch
    {
        AuthorisationStatus.Approved => "#1b6e3a",
        AuthorisationStatus.ConditionallyApproved => "#5aa469",
        AuthorisationStatus.Planned or AuthorisationStatus.Submitted or AuthorisationStatus.UnderReview => "#c77700",
        AuthorisationStatus.Suspended => "#a4161a",
        _ => "#8a94a6",
    };
}
