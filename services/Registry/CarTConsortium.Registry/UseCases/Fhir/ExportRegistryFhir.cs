using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Fhir;
using CarTConsortium.Registry.UseCases.Patients;
using Hl7.Fhir.Model;

namespace CarTConsortium.Registry.UseCases.Fhir;

/// <param name="Release">
/// The statistics release whose records are wanted. Releases are not kept by this registry yet
/// (they are being built beside this export), so only an empty value (the records as they stand
/// now) is accepted; the integrator binds it to a release's data cut.
/// </param>
public sealed record ExportRegistryFhirCommand(AccessPurpose? Purpose, string? Justification, string? Release = null);

/// <summary>
/// The registry in bulk: one FHIR Bundle per active (registry-consented) record the caller may
/// read, streamed page by page so memory stays bounded by one page. Who may read which record,
/// the purpose and the access log are <see cref="ListPatients"/>'s (each page is logged before it
/// is returned); a frozen record, which only its treating institution still sees, is not exported.
/// </summary>
public sealed class ExportRegistryFhir(ListPatients listPatients, TimeProvider clock)
{
    public const string Operation = "ExportRegistryFhir";

    /// <summary>Records per page read from the store.</summary>
    public const int PageSize = 100;

    public async IAsyncEnumerable<Bundle> ExecuteAsync(ExportRegistryFhirCommand command, Caller caller,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var validator = new BuildingBlocks.Errors.Validator();
        validator.Check(string.IsNullOrEmpty(command.Release), "release", "names a statistics release; this registry exports the records as they stand now (leave it empty)");
        validator.ThrowIfInvalid();
        string? token = null;
        do
        {
            // Every view the caller has (no institution or country filter): an admin's is the consortium view.
            var page = await listPatients.ExecuteAsync(
                new ListPatientsCommand(PageSize, token, command.Purpose, command.Justification, TreatingInstitutionId: null, CountryCode: null), caller, Operation, ct);
            var exportedAt = clock.GetUtcNow();
            foreach (var record in page.Patients.Where(p => !p.Value.IsFrozen))
            {
                yield return PatientBundle.From(record.Value, exportedAt);
            }
            token = page.NextPageToken;
        }
        while (token.Length > 0);
    }
}
