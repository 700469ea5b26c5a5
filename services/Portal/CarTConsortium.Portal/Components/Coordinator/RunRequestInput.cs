using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Portal.Components.Shared;

namespace CarTConsortium.Portal.Components.Coordinator;

/// <summary>What the coordinator fills in to ask for a run; the API checks it (no rule is repeated here).</summary>
public sealed class RunRequestInput
{
    public string Pseudonym { get; set; } = "";
    public string ProductId { get; set; } = "";
    public string Indication { get; set; } = "r/r B-ALL";
    public UrgencyClass Urgency { get; set; } = UrgencyClass.Unspecified;

    /// <summary>Why the patient is an emergency; the form asks for it only then, and only then is it sent.</summary>
    public string EmergencyJustification { get; set; } = "";
    public DateOnly? EarliestStart { get; set; }
    public DateOnly? LatestStart { get; set; }
    public string SiteId { get; set; } = "";

    public RequestRunRequest ToRequest(string treatingInstitutionId)
    {
        var request = new RequestRunRequest
        {
            Pseudonym = Pseudonym.Trim(),
            ProductId = ProductId,
            Indication = Indication.Trim(),
            Urgency = Urgency,
            SiteId = SiteId,
            TreatingInstitutionId = treatingInstitutionId,
            EmergencyJustification = Urgency == UrgencyClass.Emergency ? EmergencyJustification.Trim() : "",
        };
        if (Formats.ToDate(EarliestStart) is { } earliest)
        {
            request.EarliestStart = earliest;
        }
        if (Formats.ToDate(LatestStart) is { } latest)
        {
            request.LatestStart = latest;
        }
        return request;
    }
}

/// <summary>A choice in a list: its id (what the API takes) and what people read.</summary>
public sealed record Choice(string Id, string Name);
