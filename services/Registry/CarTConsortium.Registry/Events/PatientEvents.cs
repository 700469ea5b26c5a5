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
        Revision = new Contracts.Common.V1.Revision { Version = 1 },
    };

    /// <param name="version">The record's revision once the change is saved.</param>
    public static PatientConsentChanged ConsentChanged(PatientRecord record, long version) => new()
    {
        Pseudonym = record.Pseudonym,
        Consents = RegistryMapping.ToContract(record.Consents),
        Revision = new Contracts.Common.V1.Revision { Version = version },
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
