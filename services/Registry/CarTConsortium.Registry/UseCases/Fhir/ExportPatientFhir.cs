using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Fhir;
using CarTConsortium.Registry.UseCases.Patients;
using Hl7.Fhir.Model;

namespace CarTConsortium.Registry.UseCases.Fhir;

/// <summary>
/// One patient's record as a FHIR R4 Bundle. It is a read of the record: <see cref="GetPatient"/>
/// decides who may read it and for what purpose and logs the read (as this export) before the
/// bundle is built.
/// </summary>
public sealed class ExportPatientFhir(GetPatient getPatient, TimeProvider clock)
{
    public const string Operation = "ExportPatientFhir";

    public async Task<Bundle> ExecuteAsync(GetPatientCommand command, Caller caller, CancellationToken ct)
    {
        var stored = await getPatient.ExecuteAsync(command, caller, Operation, ct);
        return PatientBundle.From(stored.Value, clock.GetUtcNow());
    }
}
