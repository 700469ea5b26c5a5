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

/// <summary>
/// Enrols a patient at the caller's own institution under the pseudonym of their national
/// identifier, within the institution's enrolment limit (<see cref="EnrolmentLimit"/>): the
/// enrolment and the institution's count are one commit, so a refused enrolment changes nothing.
/// One institution's enrolments in this process pass its <see cref="EnrolmentGates"/> one at a time.
/// </summary>
public sealed class EnrolPatient(IDocumentStore store, TimeProvider clock, Pseudonymiser pseudonymiser, EnrolmentLimit limit, EnrolmentTelemetry telemetry,
    EnrolmentGates gates)
{
    public Task<Stored<PatientRecord>> ExecuteAsync(EnrolPatientCommand command, Caller caller, CancellationToken ct) =>
        ExecuteAsync(command, caller, counted: true, ct);

    /// <param name="counted">False only for the demo's own seeding, which loads whole cohorts at once and must leave the demo's users their limit.</param>
    internal async Task<Stored<PatientRecord>> ExecuteAsync(EnrolPatientCommand command, Caller caller, bool counted, CancellationToken ct)
    {
        var country = string.IsNullOrEmpty(command.CountryCode) ? caller.Country ?? "" : command.CountryCode;
        var record = PatientRecord.Enrol(pseudonymiser, command.NationalId, country, command.TreatingInstitutionId, command.BirthYear, command.BirthMonth,
            command.Sex, command.DiseaseStatus, command.Cd19Status, command.PriorLines, command.Consents, clock.GetUtcNow());
        var verified = await store.VerifiedAsync(caller, ct);
        verified.Demand(PatientVisibility.CanEnrol(verified, record.TreatingInstitutionId));
        await CheckCareIsPossibleAsync(record, ct);

        // Enrolments of one institution in this process queue for its count rather than race for it;
        // another replica can still win the race, and then the loser reads the count again.
        using var pass = await gates.EnterAsync(record.TreatingInstitutionId, ct);
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var changes = new ChangeSet()
                .Insert(RegistryCollections.Patients, record.Pseudonym, record)
                .Raise(PatientEvents.Enrolled(record), clock);
            // The limit first: an institution over it learns nothing more, not even whether an identifier is enrolled.
            if (counted)
            {
                await CountAsync(changes, record.TreatingInstitutionId, attemptCt);
            }
            if (await store.FindAsync(RegistryCollections.Patients, record.Pseudonym, attemptCt) is not null)
            {
                // The same identifier always gives the same pseudonym; say so without naming it to a caller who may not see that record.
                throw new AlreadyExistsException($"This patient is already enrolled in the registry for {record.CountryCode}.");
            }
            await store.CommitAsync(changes, attemptCt);
            return Stored.Inserted(record.Pseudonym, record);
        }, ct);
    }

    private async Task CountAsync(ChangeSet changes, string institutionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = EnrolmentLimit.IdOf(institutionId, limit.WindowStartAt(now));
        var current = await store.FindAsync(RegistryCollections.EnrolmentWindows, id, ct);
        EnrolmentWindow counted;
        try
        {
            counted = limit.Counted(current?.Value, institutionId, now);
        }
        catch (RuleViolationException)
        {
            telemetry.Refused(institutionId, limit.PermitLimit, limit.Window);
            throw;
        }
        if (current is null)
        {
            changes.Insert(RegistryCollections.EnrolmentWindows, id, counted);
        }
        else
        {
            changes.Update(RegistryCollections.EnrolmentWindows, current, counted);
        }
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
