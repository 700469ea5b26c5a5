using System.Text.Json.Serialization;
using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Portal.Components.Clinician;

/// <summary>A new patient as the clinician types it; the API checks it (no rule is repeated here).</summary>
public sealed class EnrolInput
{
    /// <summary>Used once by the registry to derive the pseudonym, then forgotten; never kept by the portal (nor in a draft).</summary>
    [JsonIgnore]
    public string NationalId { get; set; } = "";

    /// <summary>The country that issued the identifier; the clinician's own when left as it starts.</summary>
    public string CountryCode { get; set; } = "";
    public int? BirthYear { get; set; }
    public int? BirthMonth { get; set; }
    public Sex Sex { get; set; } = Sex.Unspecified;
    public DiseaseStatus DiseaseStatus { get; set; } = DiseaseStatus.Unspecified;
    public Cd19Status Cd19Status { get; set; } = Cd19Status.Unspecified;
    public int? PriorLines { get; set; }
    public bool RegistryConsent { get; set; }
    public bool CrossBorderSharing { get; set; }
    public bool Research { get; set; }

    /// <summary>The request for the clinician's own institution (the only one they may enrol for).</summary>
    public EnrolPatientRequest ToRequest(string treatingInstitutionId) => new()
    {
        NationalId = NationalId.Trim(),
        CountryCode = CountryCode.Trim().ToUpperInvariant(),
        TreatingInstitutionId = treatingInstitutionId,
        BirthYear = BirthYear ?? 0,
        BirthMonth = BirthMonth ?? 0,
        Sex = Sex,
        Diagnosis = new Diagnosis { DiseaseStatus = DiseaseStatus, Cd19Status = Cd19Status, PriorLines = PriorLines ?? 0 },
        Consents = new Consents { Registry = RegistryConsent, CrossBorderSharing = CrossBorderSharing, Research = Research },
    };
}
