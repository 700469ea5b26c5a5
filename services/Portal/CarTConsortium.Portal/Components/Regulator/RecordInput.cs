using CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Portal.Components.Regulator;

/// <summary>A new authorisation to track, as the officer enters it; it starts PLANNED.</summary>
public sealed class RecordInput
{
    public string ProductId { get; set; } = "";
    public string Jurisdiction { get; set; } = "";
    public Authority Authority { get; set; } = Authority.Unspecified;
    public Pathway Pathway { get; set; } = Pathway.Unspecified;
    public string Indication { get; set; } = "r/r B-ALL";
    public int MinAgeYears { get; set; }
    public int MaxAgeYears { get; set; }
    public string InstitutionIds { get; set; } = "";
    public string ReferenceAuthorisationId { get; set; } = "";
    public string Reason { get; set; } = "";

    public RecordAuthorisationRequest ToRequest() => new()
    {
        ProductId = ProductId,
        Jurisdiction = Jurisdiction.Trim().ToUpperInvariant(),
        Authority = Authority,
        Pathway = Pathway,
        Scope = ScopeInput.Of(Indication, MinAgeYears, MaxAgeYears, InstitutionIds),
        ReferenceAuthorisationId = ReferenceAuthorisationId.Trim(),
        Reason = Reason.Trim(),
    };
}
