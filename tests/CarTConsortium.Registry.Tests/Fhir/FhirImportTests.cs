using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Fhir;
using CarTConsortium.Registry.Tests.UseCases;
using CarTConsortium.Registry.UseCases.Fhir;
using CarTConsortium.Registry.UseCases.Patients;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;
using Task = System.Threading.Tasks.Task;

namespace CarTConsortium.Registry.Tests.Fhir;

/// <summary>A hospital's bundle goes through the patient use cases: all or nothing, every problem named where it is.</summary>
public sealed class FhirImportTests : IAsyncLifetime
{
    private RegistryWorld _source = null!;
    private RegistryWorld _target = null!;

    public async ValueTask InitializeAsync()
    {
        _source = await CreateAsync();
        _target = await CreateAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
    }

    private static ImportFhirBundle Import(RegistryWorld world) => Import(world.Store, world.Clock, world.Pseudonymiser, world);

    private static ImportFhirBundle Import(IDocumentStore store, TimeProvider clock, Pseudonymiser pseudonymiser, RegistryUseCases useCases) =>
        new(store, clock, pseudonymiser, useCases.EnrolPatient, useCases.RecordInfusion, useCases.RecordOutcome, useCases.GetProduct, NullLogger<ImportFhirBundle>.Instance);

    /// <summary>The target registry's use cases over <paramref name="store"/> (the target's store, interrupted).</summary>
    private ImportFhirBundle ImportThrough(InterruptedStore store) =>
        Import(store, _target.Clock, _target.Pseudonymiser, new RegistryUseCases(store, _target.Clock, _target.Pseudonymiser, statisticsSnapshots: _target.StatisticsSnapshots));

    private static Task<Bundle> ExportAsync(RegistryWorld world, string pseudonym) =>
        new ExportPatientFhir(world.GetPatient, world.Clock).ExecuteAsync(new GetPatientCommand(pseudonym, AccessPurpose.Treatment, "transfer"), AstanaClinician, None);

    /// <summary>The exported bundle as the hospital's EHR holds it: with the national identifier it enrols by.</summary>
    private static Bundle AsHospitalSends(Bundle exported, string nationalId = ClinicalHistory.NationalId)
    {
        var bundle = (Bundle)exported.DeepCopy();
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        patient.Identifier = [new Identifier(FhirCodes.NationalIdSystemPrefix + "KZ", nationalId)];
        return bundle;
    }

    /// <summary>What a bundle says clinically: every resource without the export's time and the bundle's own metadata.</summary>
    private static string Content(Bundle bundle)
    {
        var copy = (Bundle)bundle.DeepCopy();
        copy.Timestamp = null;
        foreach (var consent in copy.Entry.Select(e => e.Resource).OfType<Consent>())
        {
            consent.DateTime = null;
        }
        foreach (var condition in copy.Entry.Select(e => e.Resource).OfType<Condition>())
        {
            condition.RecordedDate = null;
        }
        // Infusion and outcome ids are the registry's own: the same content has new ids in another registry.
        return System.Text.RegularExpressions.Regex.Replace(FhirJson.Serialize(copy), "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>");
    }

    [Fact]
    public async Task Export_import_into_an_empty_registry_and_export_again_gives_the_same_clinical_content()
    {
        var record = await ClinicalHistory.RecordAsync(_source);
        var exported = await ExportAsync(_source, record.Id);

        var result = await Import(_target).ExecuteAsync(AsHospitalSends(exported), AstanaClinician, None);

        Assert.True(result.Applied, string.Join("\n", result.Issues.Select(i => $"{i.Expression}: {i.Message}")));
        Assert.Equal(record.Id, result.Pseudonym);
        FhirValidation.AssertValid(result.Outcome);
        var again = await ExportAsync(_target, record.Id);
        FhirValidation.AssertValid(again);
        Assert.Equal(Content(exported), Content(again));
        Assert.Equal(record.Value.Outcomes.Count, (await _target.StoredAsync(record.Id))!.Value.Outcomes.Count);
    }

    [Fact]
    public async Task Outcomes_are_added_to_an_enrolled_patient_by_pseudonym()
    {
        var enrolled = await _target.EnrolAsync(AstanaClinician, "KZ-0101-2015-21");
        var bundle = await ExportAsync(_target, enrolled.Id);
        var history = await ExportAsync(_source, (await ClinicalHistory.RecordAsync(_source)).Id);
        // The same patient reference as the target's; the source's infusion and first outcomes.
        foreach (var entry in history.Entry.Where(e => e.Resource is Procedure or MedicationAdministration or Observation).Take(4))
        {
            var resource = entry.Resource!.DeepCopy();
            switch (resource)
            {
                case Procedure p: p.Subject = PatientBundle.PatientReference(enrolled.Id); break;
                case MedicationAdministration m: m.Subject = PatientBundle.PatientReference(enrolled.Id); break;
                case Observation o: o.Subject = PatientBundle.PatientReference(enrolled.Id); break;
            }
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = entry.FullUrl, Resource = (Resource)resource });
        }

        var result = await Import(_target).ExecuteAsync(bundle, AstanaClinician, None);

        Assert.True(result.Applied, string.Join("\n", result.Issues.Select(i => $"{i.Expression}: {i.Message}")));
        var stored = (await _target.StoredAsync(enrolled.Id))!.Value;
        Assert.Single(stored.Infusions);
        Assert.Equal(2, stored.Outcomes.Count);
    }

    [Fact]
    public async Task Every_problem_is_named_at_its_element_and_nothing_is_stored()
    {
        var record = await ClinicalHistory.RecordAsync(_source);
        var bundle = AsHospitalSends(await ExportAsync(_source, record.Id));
        var resources = bundle.Entry.Select(e => e.Resource).ToList();
        var at = (Resource r) => $"Bundle.entry[{resources.IndexOf(r)}].resource";
        var patient = resources.OfType<Patient>().Single();
        patient.Gender = null;
        var crs = resources.OfType<Observation>().Single(o => o.Code.Coding[0].Code == FhirCodes.Local.CrsGrade);
        crs.Value = new Integer(5);
        var response = resources.OfType<Observation>().Single(o => o.Code.Coding[0].Code == FhirCodes.Local.Day28Response);
        response.Effective = new FhirDateTime("2025-05-01");
        var administration = resources.OfType<MedicationAdministration>().Single();
        administration.Medication = new CodeableConcept(FhirCodes.ProductSystem, "not-in-the-catalogue");

        var result = await Import(_target).ExecuteAsync(bundle, AstanaClinician, None);

        Assert.False(result.Applied);
        Assert.False(result.ChangedSomething);
        var errors = result.Issues.Where(i => i.IsError).Select(i => (i.Code, i.Expression)).ToList();
        Assert.Contains((OperationOutcome.IssueType.Invalid, at(patient) + ".gender"), errors);
        Assert.Contains((OperationOutcome.IssueType.Invalid, at(crs) + ".value"), errors);
        // A day-28 response before the infusion it would assess: the domain's rule, on the element's resource.
        Assert.Contains((OperationOutcome.IssueType.BusinessRule, at(response)), errors);
        Assert.Contains((OperationOutcome.IssueType.NotFound, at(administration) + ".medication"), errors);
        Assert.Empty(await _target.AllPatientsAsync());
        FhirValidation.AssertValid(result.Outcome);
    }

    [Fact]
    public async Task Who_may_not_write_the_record_changes_nothing()
    {
        var record = await ClinicalHistory.RecordAsync(_source);
        var bundle = AsHospitalSends(await ExportAsync(_source, record.Id));

        // An Almaty clinician cannot enrol for Astana (the bundle's managing organisation).
        var result = await Import(_target).ExecuteAsync(bundle, AlmatyClinician, None);

        Assert.False(result.Applied);
        Assert.Contains(result.Issues, i => i.Code == OperationOutcome.IssueType.Forbidden && i.Expression.EndsWith("resource", StringComparison.Ordinal));
        Assert.Empty(await _target.AllPatientsAsync());
    }

    [Fact]
    public async Task A_bundle_about_two_patients_or_none_is_refused()
    {
        var record = await ClinicalHistory.RecordAsync(_source);
        var bundle = AsHospitalSends(await ExportAsync(_source, record.Id));
        var observation = bundle.Entry.Select(e => e.Resource).OfType<Observation>().First();
        observation.Subject = new ResourceReference("Patient/someone-else");
        var empty = new Bundle { Type = Bundle.BundleType.Collection };

        var mixed = await Import(_target).ExecuteAsync(bundle, AstanaClinician, None);
        var none = await Import(_target).ExecuteAsync(empty, AstanaClinician, None);

        Assert.Contains(mixed.Issues, i => i.IsError && i.Expression.EndsWith(".subject", StringComparison.Ordinal));
        Assert.Equal("Bundle.entry", Assert.Single(none.Issues).Expression);
        Assert.Empty(await _target.AllPatientsAsync());
    }

    [Fact]
    public async Task A_registry_failure_part_way_answers_an_outcome_naming_what_is_recorded_and_what_is_not()
    {
        var record = await ClinicalHistory.RecordAsync(_source);
        var bundle = AsHospitalSends(await ExportAsync(_source, record.Id));
        // Commit 1 enrols, 2 records the infusion, 3 (the first outcome) fails.
        var store = new InterruptedStore(_target.Store, failAtCommit: 3);

        var result = await ImportThrough(store).ExecuteAsync(bundle, AstanaClinician, None);

        Assert.True((result.Failed, result.ChangedSomething, result.Applied) == (true, true, false));
        var stored = (await _target.StoredAsync(record.Id))!.Value;
        Assert.Equal((1, 0), (stored.Infusions.Count, stored.Outcomes.Count));
        Assert.Equal(2, result.Issues.Count(i => i.Code == OperationOutcome.IssueType.Informational));
        Assert.Single(result.Issues, i => i.Severity == OperationOutcome.IssueSeverity.Fatal && i.Code == OperationOutcome.IssueType.Exception);
        Assert.Equal(record.Value.Outcomes.Count - 1, result.Issues.Count(i => i.Code == OperationOutcome.IssueType.Incomplete));
    }

    [Fact]
    public async Task A_client_that_goes_away_after_the_first_commit_does_not_stop_the_import_half_way()
    {
        var record = await ClinicalHistory.RecordAsync(_source);
        var bundle = AsHospitalSends(await ExportAsync(_source, record.Id));
        using var request = new CancellationTokenSource();
        var store = new InterruptedStore(_target.Store, failAtCommit: 0, cancelAfterFirstCommit: request);

        var result = await ImportThrough(store).ExecuteAsync(bundle, AstanaClinician, request.Token);

        Assert.True(request.IsCancellationRequested);
        Assert.True(result.Applied, string.Join("\n", result.Issues.Select(i => $"{i.Expression}: {i.Message}")));
        var stored = (await _target.StoredAsync(record.Id))!.Value;
        Assert.Equal((1, record.Value.Outcomes.Count), (stored.Infusions.Count, stored.Outcomes.Count));
    }

    [Fact]
    public async Task A_national_identifier_without_a_value_is_an_error_naming_it()
    {
        var record = await ClinicalHistory.RecordAsync(_source);
        var bundle = AsHospitalSends(await ExportAsync(_source, record.Id));
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        patient.Identifier = [new Identifier { System = FhirCodes.NationalIdSystemPrefix + "KZ" }];

        var result = await Import(_target).ExecuteAsync(bundle, AstanaClinician, None);

        Assert.False(result.Applied);
        Assert.Contains(result.Issues, i => i.IsError && i.Expression.EndsWith(".identifier[0].value", StringComparison.Ordinal));
        Assert.Empty(await _target.AllPatientsAsync());
    }

    [Fact]
    public async Task A_coordinator_may_enrol_but_a_bundle_with_clinical_data_is_refused_before_anything_is_stored()
    {
        var record = await ClinicalHistory.RecordAsync(_source);
        var bundle = AsHospitalSends(await ExportAsync(_source, record.Id));

        var result = await Import(_target).ExecuteAsync(bundle, AstanaCoordinator, None);

        Assert.True((result.Applied, result.ChangedSomething) == (false, false));
        Assert.Contains(result.Issues, i => i.IsError && i.Code == OperationOutcome.IssueType.Forbidden);
        Assert.Empty(await _target.AllPatientsAsync());
    }

    [Fact]
    public async Task A_bundle_with_nothing_to_record_says_so_in_a_valid_outcome()
    {
        var enrolled = await _target.EnrolAsync(AstanaClinician, "KZ-0101-2015-22");
        var bundle = await ExportAsync(_target, enrolled.Id);

        var result = await Import(_target).ExecuteAsync(bundle, AstanaClinician, None);

        Assert.True((result.Applied, result.ChangedSomething) == (true, false));
        var issue = Assert.Single(result.Outcome.Issue);
        Assert.Equal((OperationOutcome.IssueSeverity.Information, "nothing to record"), (issue.Severity, issue.Details?.Text));
        FhirValidation.AssertValid(result.Outcome);
    }

    /// <summary>
    /// The real store, honouring cancellation as a remote database does, whose commit number
    /// <paramref name="failAtCommit"/> fails as in an outage, and which cancels the request after the first commit.
    /// </summary>
    internal sealed class InterruptedStore(IDocumentStore inner, int failAtCommit, CancellationTokenSource? cancelAfterFirstCommit = null) : IDocumentStore
    {
        private int _commits;

        public Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class
        {
            ct.ThrowIfCancellationRequested();
            return inner.FindAsync(collection, id, ct);
        }

        public Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class
        {
            ct.ThrowIfCancellationRequested();
            return inner.QueryAsync(collection, query, ct);
        }

        public async Task CommitAsync(ChangeSet changes, CancellationToken ct = default)
        {
            ct.ThrowIfCancellationRequested();
            if (Interlocked.Increment(ref _commits) == failAtCommit)
            {
                throw new IOException("the database went away");
            }
            await inner.CommitAsync(changes, ct);
            if (_commits == 1 && cancelAfterFirstCommit is not null)
            {
                await cancelAfterFirstCommit.CancelAsync();
            }
        }
    }
}
