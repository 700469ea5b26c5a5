using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Portal.Components.Shared;

namespace CarTConsortium.Portal.Components.Regulator;

/// <summary>An amendment of scope or expiry (e.g. a renewal), starting from the authorisation as it stands.</summary>
public sealed class AmendInput
{
    public string Reason { get; set; } = "";
    public string Indication { get; set; } = "";
    public int MinAgeYears { get; set; }
    public int MaxAgeYears { get; set; }

    /// <summary>Registry institution ids, separated by commas or spaces.</summary>
    public string InstitutionIds { get; set; } = "";
    public DateOnly? ExpiresOn { get; set; }
    public bool ClearExpiry { get; set; }

    public static AmendInput From(Authorisation authorisation) => new()
    {
        Indication = authorisation.Scope?.Indication ?? "",
        MinAgeYears = authorisation.Scope?.MinAgeYears ?? 0,
        MaxAgeYears = authorisation.Scope?.MaxAgeYears ?? 0,
        InstitutionIds = string.Join(", ", authorisation.Scope?.InstitutionIds ?? []),
        ExpiresOn = authorisation.ExpiresOn is { Year: > 0 } e ? new DateOnly(e.Year, e.Month, e.Day) : null,
    };

    public AmendAuthorisationRequest ToRequest(Authorisation authorisation)
    {
        var request = new AmendAuthorisationRequest
        {
            AuthorisationId = authorisation.AuthorisationId,
            ExpectedRevision = authorisation.Revision?.Version ?? 0,
            Reason = Reason.Trim(),
            Scope = ScopeInput.Of(Indication, MinAgeYears, MaxAgeYears, InstitutionIds),
            ClearExpiry = ClearExpiry,
        };
        // An expiry to clear is sent empty, as the API asks.
        if (!ClearExpiry && Formats.ToDate(ExpiresOn) is { } expires)
        {
            request.ExpiresOn = expires;
        }
        return request;
    }
}
