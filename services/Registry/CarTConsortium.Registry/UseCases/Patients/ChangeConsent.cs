using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Statistics;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <param name="ExpectedRevision">The revision the caller read; a stale one is ABORTED.</param>
public sealed record ChangeConsentCommand(string Pseudonym, Consents Consents, long ExpectedRevision);

/// <summary>
/// Sets a patient's consents, for the treating institution; an unchanged set changes nothing
/// and raises nothing.
/// </summary>
public sealed class ChangeConsent(IDocumentStore store, TimeProvider clock, StatisticsSnapshots snapshots)
{
    public async Task<Stored<PatientRecord>> ExecuteAsync(ChangeConsentCommand command, Caller caller, CancellationToken ct)
    {
        var validator = new Validator();
        PatientRecords.CheckPseudonym(command.Pseudonym, validator);
        validator.CheckExpectedRevision(command.ExpectedRevision);
        validator.ThrowIfInvalid();
        var current = await store.FindPatientAsync(command.Pseudonym, ct);
        var verified = await store.VerifiedAsync(caller, ct);
        verified.Demand(PatientVisibility.CanChangeConsent(verified, current.Value));
        ExpectedRevision.Require(RegistryCollections.Patients, current, command.ExpectedRevision);
        var changed = current.Value.ChangeConsent(command.Consents, clock.GetUtcNow());
        if (ReferenceEquals(changed, current.Value))
        {
            return current;
        }
        return await store.UpdatePatientAsync(current, changed, PatientEvents.ConsentChanged(changed, current.Version + 1), clock, snapshots, ct);
    }
}
