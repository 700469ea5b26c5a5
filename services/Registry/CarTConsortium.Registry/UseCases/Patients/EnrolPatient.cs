using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Members;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <param name="NationalId">Used for the pseudonym alone, and kept nowhere.</param>
/// <param name="CountryCode">The country that issued the identifier; the caller's when null or empty.</param>
/// <param name="Sex">Null when the request says UNSPECIFIED; so are the diagnosis enums.</param>
public sealed record EnrolPatientCommand(
    string NationalId,
    string? CountryCode,
    string TreatingInstitutionId,
    int BirthYear,
    int BirthMonth,
    Sex? Sex,
    DiseaseStatus? DiseaseStatus,
    Cd19Status? Cd19Status,
    int PriorLines,
    Consents Consents);

/// <summary>Enrols a patient at the caller's own institution under the pseudonym of their national identifier.</summary>
public sealed class EnrolPatient(IDocumentStore store, TimeProvider clock, Pseudonymiser pseudonymiser)
{
    public async Task<Stored<PatientRecord>> ExecuteAsync(EnrolPatientCommand command, Caller caller, CancellationToken ct)
    {
        var country = string.IsNullOrEmpty(command.CountryCode) ? caller.Country ?? "" : command.CountryCode;
        var record = PatientRecord.Enrol(pseudonymiser, command.NationalId, country, command.TreatingInstitutionId, command.BirthYear, command.BirthMonth,
            command.Sex, command.DiseaseStatus, command.Cd19Status, command.PriorLines, command.Consents, clock.GetUtcNow());
        var verified = await store.VerifiedAsync(caller, ct);
        verified.Demand(PatientVisibility.CanEnrol(verified, record.TreatingInstitutionId));
        await CheckCareIsPossibleAsync(record, ct);

        var stored = Stored.Inserted(record.Pseudonym, record);
        try
        {
            await store.CommitAsync(new ChangeSet()
                .Insert(RegistryCollections.Patients, record.Pseudonym, record)
                .Raise(PatientEvents.Enrolled(record), clock), ct);
        }
        catch (DocumentExistsException)
        {
            // The same identifier always gives the same pseudonym; say so without naming it to a caller who may not see that record.
            throw new AlreadyExistsException($"This patient is already enrolled in the registry for {record.CountryCode}.");
        }
        return stored;
    }

    /// <summary>The treating institution must be a treatment centre, and a foreign patient needs a cross-border care agreement in force.</summary>
    private async Task CheckCareIsPossibleAsync(PatientRecord record, CancellationToken ct)
    {
        var institution = await store.FindAsync(RegistryCollections.Institutions, record.TreatingInstitutionId, ct);
        if (institution is null || institution.Value.Kind != InstitutionKind.TreatmentCentre)
        {
            throw new RuleViolationException($"'{record.TreatingInstitutionId}' is not a treatment centre in the registry; patients are enrolled where they are treated.");
        }
        await store.RequireMemberAsync(record.CountryCode, ct);
        var site = institution.Value.CountryCode;
        if (site != record.CountryCode && !await store.CrossBorderCareInForceAsync(site, record.CountryCode, clock.UtcToday(), ct))
        {
            throw new RuleViolationException(
                $"{record.CountryCode} and {site} have no cross-border care agreement in force; a patient of {record.CountryCode} cannot be treated at {record.TreatingInstitutionId}.");
        }
    }
}
