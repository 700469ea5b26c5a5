using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Portal.Components.Shared;

namespace CarTConsortium.Portal.Components.Regulator;

/// <summary>A step of an authorisation's lifecycle as the officer enters it; the API decides whether the step is legal.</summary>
public sealed class ChangeStatusInput
{
    public AuthorisationStatus Status { get; set; } = AuthorisationStatus.Unspecified;
    public string Reason { get; set; } = "";
    public DateOnly? SubmittedOn { get; set; }
    public DateOnly? DecidedOn { get; set; }
    public DateOnly? EffectiveOn { get; set; }
    public DateOnly? ExpiresOn { get; set; }

    /// <summary>The request, naming the revision the officer was looking at.</summary>
    public ChangeStatusRequest ToRequest(Authorisation authorisation)
    {
        var request = new ChangeStatusRequest
        {
            AuthorisationId = authorisation.AuthorisationId,
            Status = Status,
            Reason = Reason.Trim(),
            ExpectedRevision = authorisation.Revision?.Version ?? 0,
        };
        if (Formats.ToDate(SubmittedOn) is { } submitted)
        {
            request.SubmittedOn = submitted;
        }
        if (Formats.ToDate(DecidedOn) is { } decided)
        {
            request.DecidedOn = decided;
        }
        if (Formats.ToDate(EffectiveOn) is { } effective)
        {
            request.EffectiveOn = effective;
        }
        if (Formats.ToDate(ExpiresOn) is { } expires)
        {
            request.ExpiresOn = expires;
        }
        return request;
    }
}
