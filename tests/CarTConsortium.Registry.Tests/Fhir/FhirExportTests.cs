using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Fhir;
using CarTConsortium.Registry.Tests.UseCases;
using CarTConsortium.Registry.UseCases.Fhir;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Testing;
using Hl7.Fhir.Model;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;
using Task = System.Threading.Tasks.Task;

namespace CarTConsortium.Registry.Tests.Fhir;

/// <summary>One patient as FHIR: valid R4, pseudonymised, and read by exactly the rules (and log) of GetPatient.</summary>
public sealed class FhirExportTests : IAsyncLifetime
{
    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public async ValueTask DisposeAsync() => await _world.DisposeAsync();

    private ExportPatientFhir Export => new(_world.GetPatient, _world.Clock);

    private Task<Bundle> ExportAsync(Caller caller, string pseudonym, AccessPurpose? purpose = AccessPurpose.QualityReview) =>
        Export.ExecuteAsync(new GetPatientCommand(pseudonym, purpose, "registry report"), caller, None);

    [Fact]
    public async Task The_whole_record_is_a_valid_R4_collection_with_one_resource_per_fact()
    {
        var record = await ClinicalHistory.RecordAsync(_world);

        var bundle = await ExportAsync(AstanaClinician, record.Id);

        FhirValidation.AssertValid(bundle);
        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        var types = bundle.Entry.GroupBy(e => e.Resource!.TypeName).ToDictionary(g => g.Key, g => g.Count());
        // 1 infusion + 1 transplant; 6 outcomes as observations; registry, cross-border and research consents.
        Assert.Equal(new Dictionary<string, int>
        {
            ["Patient"] = 1,
            ["Condition"] = 1,
            ["Procedure"] = 2,
            ["MedicationAdministration"] = 1,
            ["Observation"] = 6,
            ["Consent"] = 3,
        }, types);
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        Assert.Equal(record.Id, Assert.Single(patient.Identifier).Value);
        Assert.Equal(FhirCodes.PseudonymSystem, patient.Identifier[0].System);
        Assert.Equal("2016-05", patient.BirthDate);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
        Assert.Equal("2026-01-15", Assert.IsType<FhirDateTime>(patient.Deceased).Value);
        Assert.DoesNotContain(ClinicalHistory.NationalId, FhirJson.Serialize(bundle), StringComparison.Ordinal);
        var crs = bundle.Entry.Select(e => e.Resource).OfType<Observation>().Single(o => o.Code.Coding[0].Code == FhirCodes.Local.CrsGrade);
        Assert.Equal(2, Assert.IsType<Integer>(crs.Value).Value);
        var period = Assert.IsType<Period>(crs.Effective);
        Assert.Equal(("2025-06-04", "2025-06-08"), (period.Start, period.End));
        var condition = bundle.Entry.Select(e => e.Resource).OfType<Condition>().Single();
        Assert.Equal("277571004", condition.Code!.Coding[0].Code);
        Assert.Equal(FhirCodes.Local.Cd19Positive, condition.Evidence[0].Code[0].Coding[0].Code);
    }

    [Fact]
    public async Task The_export_is_a_logged_read_for_the_stated_purpose()
    {
        var record = await ClinicalHistory.RecordAsync(_world);

        await ExportAsync(Admin, record.Id);

        var entry = Assert.Single(await _world.AccessLogAsync());
        Assert.Equal((ExportPatientFhir.Operation, record.Id, AccessPurpose.QualityReview, "registry report"),
            (entry.Rpc, entry.Pseudonym, entry.Purpose, entry.Justification));
    }

    [Fact]
    public async Task Who_may_not_read_the_record_gets_no_bundle_and_leaves_no_log()
    {
        var local = await _world.EnrolAsync(AstanaClinician, "KZ-0101-2015-11");
        var noResearch = await _world.EnrolAsync(AstanaClinician, "KZ-0101-2015-12", consents: new(Registry: true, CrossBorderSharing: true, Research: false));

        // No cross-border consent: the consortium view (other countries, admins) does not see it.
        await Assert.ThrowsAsync<PermissionDeniedException>(() => ExportAsync(TashkentClinician, local.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => ExportAsync(Admin, local.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => ExportAsync(Callers.Of(Roles.RegulatoryOfficer, "KZ", null), local.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => ExportAsync(AstanaClinician, noResearch.Id, AccessPurpose.Research));
        var noPurpose = await Assert.ThrowsAsync<InvalidArgumentException>(() => ExportAsync(AstanaClinician, local.Id, purpose: null));
        Assert.Equal("purpose", Assert.Single(noPurpose.Violations).Field);
        Assert.Empty(await _world.AccessLogAsync());

        // The patient's country and the treating institution do.
        FhirValidation.AssertValid(await ExportAsync(AlmatyClinician, local.Id));
        FhirValidation.AssertValid(await ExportAsync(AstanaCoordinator, local.Id));
        Assert.Equal(2, (await _world.AccessLogAsync()).Count);
    }
}

/// <summary>The validator the export tests rely on does find what R4 forbids (so their passing means something).</summary>
public sealed class FhirValidationTests
{
    [Fact]
    public void A_consent_without_category_or_patient_reference_resolution_is_an_error()
    {
        var consent = new Consent { Status = Consent.ConsentState.Active, Scope = new CodeableConcept(FhirCodes.ConsentScope, "research") };

        Assert.NotEmpty(FhirValidation.Errors(consent));
    }
}
