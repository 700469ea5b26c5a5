using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Components.Shared;

namespace CarTConsortium.Portal.Components.Clinician;

/// <summary>The kinds of outcome the registry records, one per form choice.</summary>
public enum OutcomeKind
{
    Unspecified,
    Response,
    Toxicity,
    Relapse,
    Transplant,
    Death,
    FollowUp,
}

/// <summary>One outcome as the clinician enters it: the day, the kind, and only that kind's details are sent.</summary>
public sealed class OutcomeInput
{
    public DateOnly? OccurredOn { get; set; }
    public OutcomeKind Kind { get; set; } = OutcomeKind.Unspecified;
    public Day28Response Response { get; set; } = Day28Response.Unspecified;
    public bool MrdNegative { get; set; }
    public ToxicityKind ToxicityKind { get; set; } = ToxicityKind.Unspecified;
    public int? Grade { get; set; }
    public DateOnly? ResolvedOn { get; set; }
    public Cd19Status RelapseCd19 { get; set; } = Cd19Status.Unspecified;
    public bool Allogeneic { get; set; } = true;
    public string Cause { get; set; } = "";
    public DiseaseState DiseaseState { get; set; } = DiseaseState.Unspecified;
    public bool BCellAplasia { get; set; }

    public RecordOutcomeRequest ToRequest(string pseudonym)
    {
        var request = new RecordOutcomeRequest { Pseudonym = pseudonym };
        if (Formats.ToDate(OccurredOn) is { } day)
        {
            request.OccurredOn = day;
        }
        switch (Kind)
        {
            case OutcomeKind.Response:
                request.Response = new ResponseAssessment { Response = Response, MrdNegative = MrdNegative };
                break;
            case OutcomeKind.Toxicity:
                request.Toxicity = new Toxicity { Kind = ToxicityKind, Grade = Grade ?? 0, ResolvedOn = Formats.ToDate(ResolvedOn) };
                break;
            case OutcomeKind.Relapse:
                request.Relapse = new Relapse { Cd19Status = RelapseCd19 };
                break;
            case OutcomeKind.Transplant:
                request.Transplant = new Transplant { Allogeneic = Allogeneic };
                break;
            case OutcomeKind.Death:
                request.Death = new Death { Cause = Cause.Trim() };
                break;
            case OutcomeKind.FollowUp:
                request.FollowUp = new FollowUpVisit { DiseaseState = DiseaseState, BCellAplasia = BCellAplasia };
                break;
            default:
                break; // No kind: the API says one is required, next to the choice.
        }
        return request;
    }
}
