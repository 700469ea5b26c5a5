using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Patients;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Api;

/// <summary>Patients, outcomes and the access log between storage and contract.</summary>
internal static partial class RegistryMapping
{
    public static Contract.Patient ToContract(Stored<PatientRecord> stored)
    {
        var record = stored.Value;
        return new Contract.Patient
        {
            Pseudonym = record.Pseudonym,
            CountryCode = record.CountryCode,
            TreatingInstitutionId = record.TreatingInstitutionId,
            BirthYear = record.BirthYear,
            BirthMonth = record.BirthMonth,
            Sex = record.Sex == Sex.Female ? Contract.Sex.Female : Contract.Sex.Male,
            Diagnosis = new Contract.Diagnosis
            {
                DiseaseStatus = record.Diagnosis.DiseaseStatus == DiseaseStatus.Relapsed ? Contract.DiseaseStatus.Relapsed : Contract.DiseaseStatus.Refractory,
                Cd19Status = ToContract(record.Diagnosis.Cd19Status),
                PriorLines = record.Diagnosis.PriorLines,
            },
            Consents = ToContract(record.Consents),
            Infusions =
            {
                record.Infusions.Select(i => new Contract.Infusion
                {
                    InfusionId = i.InfusionId,
                    ProductId = i.ProductId,
                    DoseMillionCellsPerKg = i.DoseMillionCellsPerKg,
                    InfusedOn = ToContract(i.InfusedOn),
                    BookingId = i.BookingId ?? "",
                }),
            },
            Outcomes = { record.Outcomes.Select(ToContract) },
            EnrolledAt = Timestamp.FromDateTimeOffset(record.EnrolledAt),
            Revision = Revision(stored),
        };
    }

    public static Contract.Consents ToContract(Consents consents) => new()
    {
        Registry = consents.Registry,
        CrossBorderSharing = consents.CrossBorderSharing,
        Research = consents.Research,
    };

    public static Consents FromContract(Contract.Consents? consents) =>
        new(consents?.Registry ?? false, consents?.CrossBorderSharing ?? false, consents?.Research ?? false);

    public static Sex? FromContract(Contract.Sex sex) => sex switch
    {
        Contract.Sex.Female => Sex.Female,
        Contract.Sex.Male => Sex.Male,
        _ => null,
    };

    public static DiseaseStatus? FromContract(Contract.DiseaseStatus status) => status switch
    {
        Contract.DiseaseStatus.Relapsed => DiseaseStatus.Relapsed,
        Contract.DiseaseStatus.Refractory => DiseaseStatus.Refractory,
        _ => null,
    };

    public static Cd19Status? FromContract(Contract.Cd19Status status) => status switch
    {
        Contract.Cd19Status.Positive => Cd19Status.Positive,
        Contract.Cd19Status.Negative => Cd19Status.Negative,
        _ => null,
    };

    public static AccessPurpose? FromContract(Contract.AccessPurpose purpose) => purpose switch
    {
        Contract.AccessPurpose.Treatment => AccessPurpose.Treatment,
        Contract.AccessPurpose.FollowUp => AccessPurpose.FollowUp,
        Contract.AccessPurpose.Booking => AccessPurpose.Booking,
        Contract.AccessPurpose.QualityReview => AccessPurpose.QualityReview,
        Contract.AccessPurpose.Research => AccessPurpose.Research,
        _ => null,
    };

    /// <summary>The request's <c>oneof kind</c> as a report to check; null when it names none.</summary>
    public static OutcomeReport? ReportOf(Contract.RecordOutcomeRequest request) => request.KindCase switch
    {
        Contract.RecordOutcomeRequest.KindOneofCase.Response => new ResponseReport(request.Response.Response switch
        {
            Contract.Day28Response.Cr => Day28Response.Cr,
            Contract.Day28Response.Cri => Day28Response.Cri,
            Contract.Day28Response.NoResponse => Day28Response.NoResponse,
            _ => null,
        }, request.Response.MrdNegative),
        Contract.RecordOutcomeRequest.KindOneofCase.Toxicity => new ToxicityReport(request.Toxicity.Kind switch
        {
            Contract.ToxicityKind.Crs => ToxicityKind.Crs,
            Contract.ToxicityKind.Icans => ToxicityKind.Icans,
            _ => null,
        }, request.Toxicity.Grade, FromContract(request.Toxicity.ResolvedOn)),
        Contract.RecordOutcomeRequest.KindOneofCase.Relapse => new RelapseReport(FromContract(request.Relapse.Cd19Status)),
        Contract.RecordOutcomeRequest.KindOneofCase.Transplant => new TransplantReport(request.Transplant.Allogeneic),
        Contract.RecordOutcomeRequest.KindOneofCase.Death => new DeathReport(request.Death.Cause),
        Contract.RecordOutcomeRequest.KindOneofCase.FollowUp => new FollowUpReport(request.FollowUp.DiseaseState switch
        {
            Contract.DiseaseState.InRemission => DiseaseState.InRemission,
            Contract.DiseaseState.ActiveDisease => DiseaseState.ActiveDisease,
            _ => null,
        }, request.FollowUp.BCellAplasia),
        _ => null,
    };

    public static Contract.AccessLogEntry ToContract(Stored<AccessLogEntry> stored) => new()
    {
        EntryId = stored.Value.EntryId,
        ReadAt = Timestamp.FromDateTimeOffset(stored.Value.ReadAt),
        Subject = stored.Value.Subject,
        ClientId = stored.Value.ClientId,
        CountryCode = stored.Value.CountryCode ?? "",
        InstitutionId = stored.Value.InstitutionId ?? "",
        Rpc = stored.Value.Rpc,
        Pseudonym = stored.Value.Pseudonym,
        Purpose = stored.Value.Purpose switch
        {
            AccessPurpose.Treatment => Contract.AccessPurpose.Treatment,
            AccessPurpose.FollowUp => Contract.AccessPurpose.FollowUp,
            AccessPurpose.Booking => Contract.AccessPurpose.Booking,
            AccessPurpose.QualityReview => Contract.AccessPurpose.QualityReview,
            _ => Contract.AccessPurpose.Research,
        },
        Justification = stored.Value.Justification,
    };

    private static Contract.Outcome ToContract(Outcome outcome)
    {
        var result = new Contract.Outcome
        {
            OutcomeId = outcome.OutcomeId,
            OccurredOn = ToContract(outcome.OccurredOn),
            RecordedAt = Timestamp.FromDateTimeOffset(outcome.RecordedAt),
            RecordedByInstitutionId = outcome.RecordedByInstitutionId,
        };
        switch (outcome.Detail)
        {
            case ResponseAssessment r:
                result.Response = new Contract.ResponseAssessment
                {
                    Response = r.Response switch
                    {
                        Day28Response.Cr => Contract.Day28Response.Cr,
                        Day28Response.Cri => Contract.Day28Response.Cri,
                        _ => Contract.Day28Response.NoResponse,
                    },
                    MrdNegative = r.MrdNegative,
                };
                break;
            case Toxicity t:
                result.Toxicity = new Contract.Toxicity
                {
                    Kind = t.Kind == ToxicityKind.Crs ? Contract.ToxicityKind.Crs : Contract.ToxicityKind.Icans,
                    Grade = t.Grade,
                    ResolvedOn = ToContract(t.ResolvedOn),
                };
                break;
            case Relapse r:
                result.Relapse = new Contract.Relapse { Cd19Status = ToContract(r.Cd19Status) };
                break;
            case Transplant t:
                result.Transplant = new Contract.Transplant { Allogeneic = t.Allogeneic };
                break;
            case Death d:
                result.Death = new Contract.Death { Cause = d.Cause };
                break;
            case FollowUpVisit f:
                result.FollowUp = new Contract.FollowUpVisit
                {
                    DiseaseState = f.DiseaseState == DiseaseState.InRemission ? Contract.DiseaseState.InRemission : Contract.DiseaseState.ActiveDisease,
                    BCellAplasia = f.BCellAplasia,
                };
                break;
        }
        return result;
    }

    private static Contract.Cd19Status ToContract(Cd19Status status) =>
        status == Cd19Status.Positive ? Contract.Cd19Status.Positive : Contract.Cd19Status.Negative;
}
