using System.Text.Json.Serialization;
using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Registry.Domain.Patients;

/// <summary>One clinical outcome on one day, as recorded.</summary>
/// <param name="RecordedByInstitutionId">The institution whose clinician recorded it.</param>
public sealed record Outcome(
    string OutcomeId,
    DateOnly OccurredOn,
    OutcomeDetail Detail,
    DateTimeOffset RecordedAt,
    string RecordedByInstitutionId);

/// <summary>
/// What the outcome was: exactly one of the sealed records below (the contract's
/// <c>oneof kind</c>). Stored as JSON with a "type" property naming the kind.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ResponseAssessment), "response")]
[JsonDerivedType(typeof(Toxicity), "toxicity")]
[JsonDerivedType(typeof(Relapse), "relapse")]
[JsonDerivedType(typeof(Transplant), "transplant")]
[JsonDerivedType(typeof(Death), "death")]
[JsonDerivedType(typeof(FollowUpVisit), "follow_up")]
public abstract record OutcomeDetail;

/// <summary>The day-28 response assessment of the latest infusion before it.</summary>
/// <param name="MrdNegative">Measurable residual disease negative; only with CR or CRi.</param>
public sealed record ResponseAssessment(Day28Response Response, bool MrdNegative) : OutcomeDetail
{
    /// <summary>CR or CRi: a remission a relapse can follow.</summary>
    [JsonIgnore]
    public bool IsRemission => Response is Day28Response.Cr or Day28Response.Cri;
}

/// <summary>CRS or ICANS, graded by the ASTCT consensus.</summary>
/// <param name="Grade">0-4.</param>
/// <param name="ResolvedOn">The day it resolved; null while it has not (and always for grade 0).</param>
public sealed record Toxicity(ToxicityKind Kind, int Grade, DateOnly? ResolvedOn) : OutcomeDetail;

/// <summary>The disease came back after a remission.</summary>
public sealed record Relapse(Cd19Status Cd19Status) : OutcomeDetail;

/// <summary>A haematopoietic stem cell transplant consolidating the remission.</summary>
public sealed record Transplant(bool Allogeneic) : OutcomeDetail;

/// <param name="Cause">Free text, e.g. "disease progression"; empty when not given.</param>
public sealed record Death(string Cause) : OutcomeDetail;

/// <param name="BCellAplasia">B-cell aplasia, the sign CAR-T cells persist.</param>
public sealed record FollowUpVisit(DiseaseState DiseaseState, bool BCellAplasia) : OutcomeDetail;

/// <summary>
/// An outcome as a clinician sends it, before it is checked: exactly one of the sealed
/// records below, mapped from the request's <c>oneof kind</c> (no kind: pass null). An
/// UNSPECIFIED enum arrives as null, and a date as its google.type.Date parts.
/// <see cref="PatientRecord.RecordOutcome"/> checks it and stores the matching
/// <see cref="OutcomeDetail"/>.
/// </summary>
public abstract record OutcomeReport;

public sealed record ResponseReport(Day28Response? Response, bool MrdNegative) : OutcomeReport;

/// <param name="ResolvedOn">Null or all zero when it has not resolved.</param>
public sealed record ToxicityReport(ToxicityKind? Kind, int Grade, DateParts? ResolvedOn) : OutcomeReport;

public sealed record RelapseReport(Cd19Status? Cd19Status) : OutcomeReport;

public sealed record TransplantReport(bool Allogeneic) : OutcomeReport;

public sealed record DeathReport(string? Cause) : OutcomeReport;

public sealed record FollowUpReport(DiseaseState? DiseaseState, bool BCellAplasia) : OutcomeReport;
