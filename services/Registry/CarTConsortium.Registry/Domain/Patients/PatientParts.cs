using System.Text.Json.Serialization;

namespace CarTConsortium.Registry.Domain.Patients;

// The enums carry the names protoc gives the contract's enums (DAY28_RESPONSE_CRI is Cri),
// so the adapter maps them by name; the UNSPECIFIED value has no counterpart: it arrives
// here as null and is refused.

public enum Sex
{
    Female,
    Male,
}

/// <summary>Relapsed or refractory B-cell acute lymphoblastic leukaemia.</summary>
public enum DiseaseStatus
{
    /// <summary>B-ALL that came back after remission.</summary>
    Relapsed,

    /// <summary>B-ALL that never reached remission.</summary>
    Refractory,
}

public enum Cd19Status
{
    Positive,
    Negative,
}

public enum Day28Response
{
    /// <summary>Complete remission.</summary>
    Cr,

    /// <summary>Complete remission with incomplete count recovery.</summary>
    Cri,

    NoResponse,
}

public enum ToxicityKind
{
    /// <summary>Cytokine release syndrome.</summary>
    Crs,

    /// <summary>Immune effector cell-associated neurotoxicity syndrome.</summary>
    Icans,
}

public enum DiseaseState
{
    InRemission,
    ActiveDisease,
}

/// <summary>The disease at enrolment.</summary>
/// <param name="PriorLines">Lines of therapy before CAR-T, 0-15.</param>
public sealed record Diagnosis(DiseaseStatus DiseaseStatus, Cd19Status Cd19Status, int PriorLines);

/// <summary>What the patient (or the parents) agreed to. Cross-border sharing and research need registry consent.</summary>
/// <param name="Registry">To be kept in the registry at all. Without it the record is frozen.</param>
/// <param name="CrossBorderSharing">To let the consortium, outside the patient's country, see the patient-level record.</param>
/// <param name="Research">To let the record be used for research.</param>
public sealed record Consents(bool Registry, bool CrossBorderSharing, bool Research)
{
    /// <summary>
    /// The consortium view: clinicians of other countries and consortium admins may read the
    /// record. Needs both registry and cross-border-sharing consent.
    /// </summary>
    [JsonIgnore]
    public bool SharedAcrossBorders => Registry && CrossBorderSharing;
}

/// <summary>One infusion of CAR-T product.</summary>
/// <param name="DoseMillionCellsPerKg">Million CAR-positive viable T cells per kg of body weight.</param>
/// <param name="BookingId">The slots booking the product was made for; null when there was none.</param>
/// <param name="RecordedAt">When the treating institution recorded it.</param>
public sealed record Infusion(
    string InfusionId,
    string ProductId,
    double DoseMillionCellsPerKg,
    DateOnly InfusedOn,
    string? BookingId,
    DateTimeOffset RecordedAt);
