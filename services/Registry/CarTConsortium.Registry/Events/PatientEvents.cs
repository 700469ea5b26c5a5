using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Registry.Api;
using CarTConsortium.Registry.Domain.Patients;

namespace CarTConsortium.Registry.Events;

/// <summary>
/// What the registry tells other services about its patients: the pseudonym and the facts
/// they act on, never the clinical detail (that stays behind the registry's access rules).
/// </summary>
internal static class PatientEvents
{
    public static PatientEnrolled Enrolled(PatientRecord record) => new()
    {
        Pseudonym = record.Pseudonym,
        CountryCode = record.CountryCode,
        TreatingInstitutionId = record.TreatingInstitutionId,
        BirthYear = record.BirthYear,
        BirthMonth = record.BirthMonth,
        Consents = RegistryMapping.ToContract(record.Consents),
    };

    public static PatientConsentChanged ConsentChanged(PatientRecord record) => new()
    {
        Pseudonym = record.Pseudonym,
        Consents = RegistryMapping.ToContract(record.Consents),
    };

    public static InfusionRecorded InfusionRecorded(PatientRecord record, Domain.Patients.Infusion infusion) => new()
    {
        Pseudonym = record.Pseudonym,
        InfusionId = infusion.InfusionId,
        ProductId = infusion.ProductId,
        InfusedOn = RegistryMapping.ToContract(infusion.InfusedOn),
        BookingId = infusion.BookingId ?? "",
    };

    public static OutcomeRecorded OutcomeRecorded(PatientRecord record, Domain.Patients.Outcome outcome) => new()
    {
        Pseudonym = record.Pseudonym,
        OutcomeId = outcome.OutcomeId,
    };
}
