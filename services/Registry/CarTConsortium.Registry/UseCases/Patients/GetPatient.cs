using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Patients;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <param name="Purpose">Why the record is read; null when the request leaves it unspecified (refused).</param>
public sealed record GetPatientCommand(string Pseudonym, AccessPurpose? Purpose, string? Justification);

/// <summary>One patient's record, for a caller who may see it and says why; the read is logged first.</summary>
public sealed class GetPatient(IDocumentStore store, TimeProvider clock)
{
    public Task<Stored<PatientRecord>> ExecuteAsync(GetPatientCommand command, Caller caller, CancellationToken ct) =>
        ExecuteAsync(command, caller, "GetPatient", ct);

    /// <param name="operation">What the access log names as the read (another route reading the record by the same rules, e.g. a FHIR export).</param>
    internal async Task<Stored<PatientRecord>> ExecuteAsync(GetPatientCommand command, Caller caller, string operation, CancellationToken ct)
    {
        var validator = new Validator();
        PatientRecords.CheckPseudonym(command.Pseudonym, validator);
        var reason = AccessLogEntry.CheckReason(command.Purpose, command.Justification, validator);
        validator.ThrowIfInvalid();
        var stored = await store.FindPatientAsync(command.Pseudonym, ct);
        var verified = await store.VerifiedAsync(caller, ct);
        caller.Demand(PatientVisibility.CanRead(verified, stored.Value).Allowed, PatientVisibility.NotVisible);
        caller.Demand(PatientVisibility.AllowsPurpose(stored.Value, reason.Purpose), PatientVisibility.NoResearchConsent);
        await store.LogReadsAsync(caller, operation, [stored], reason, clock, ct);
        return stored;
    }
}
