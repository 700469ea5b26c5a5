using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Fhir;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Registry.UseCases.Products;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace CarTConsortium.Registry.UseCases.Fhir;

/// <param name="Applied">True when everything the bundle asked for is recorded; false when nothing (or, after a refusal mid-way, only what the outcome lists as applied) is.</param>
/// <param name="Pseudonym">The patient's pseudonym, when known.</param>
public sealed record ImportFhirResult(bool Applied, bool ChangedSomething, string? Pseudonym, IReadOnlyList<ImportIssue> Issues)
{
    public OperationOutcome Outcome => ImportIssue.Outcome(Issues);

    /// <summary>The registry failed (an outage, a bug), not the bundle: the outcome says so, and what was applied before.</summary>
    public bool Failed => Issues.Any(i => i.Code == IssueType.Exception);
}

/// <summary>
/// A clinician's bundle (a hospital EHR's export of one patient): enrols the patient and/or
/// records infusions and outcomes, through <see cref="EnrolPatient"/>, <see cref="RecordInfusion"/>
/// and <see cref="RecordOutcome"/>. First the whole bundle is checked: its shape, then every step
/// by the same domain rules the use cases apply, on the record as it would become (nothing is
/// saved); any problem and nothing is changed, with every problem listed. Then each step is
/// applied by its use case, in date order. The use cases commit one by one, so a step refused
/// then (a race with another writer) or a failure of the registry leaves the earlier steps
/// applied: the outcome says which. The apply is not cancelled by the request (a client that
/// disconnects or times out mid-way would otherwise leave a half-imported patient it never hears of).
/// </summary>
public sealed partial class ImportFhirBundle(IDocumentStore store, TimeProvider clock, Pseudonymiser pseudonymiser,
    EnrolPatient enrolPatient, RecordInfusion recordInfusion, RecordOutcome recordOutcome, GetProduct getProduct, ILogger<ImportFhirBundle> logger)
{
    public async Task<ImportFhirResult> ExecuteAsync(Bundle bundle, Caller caller, CancellationToken ct)
    {
        var plan = BundleReader.Read(bundle);
        var issues = plan.Issues.ToList();
        if (plan.Patient is not { } patient)
        {
            return new ImportFhirResult(false, false, null, issues);
        }
        var steps = plan.Steps
            .OrderBy(s => s.On is { } d ? new DateOnly(Math.Max(d.Year, 1), Math.Clamp(d.Month, 1, 12), 1).AddDays(Math.Clamp(d.Day, 1, 31) - 1) : DateOnly.MinValue)
            .ThenBy(s => s is InfusionStep ? 0 : 1)
            .ToList();
        var record = await DryRunAsync(patient, steps, caller, issues, ct);
        if (issues.Any(i => i.IsError))
        {
            return new ImportFhirResult(false, false, record?.Pseudonym ?? patient.Pseudonym, issues);
        }
        // Once the first step is committed the rest must follow whatever the client does; the dry run above changed nothing and may stop.
        return await ApplyAsync(patient, steps, caller, issues, CancellationToken.None);
    }

    /// <summary>Every step on the record in memory, by the domain's rules; the record as it would be, or null when the patient part fails.</summary>
    private async Task<PatientRecord?> DryRunAsync(ImportedPatient patient, List<ImportStep> steps, Caller caller, List<ImportIssue> issues, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        PatientRecord record;
        try
        {
            if (patient.Enrols)
            {
                record = PatientRecord.Enrol(pseudonymiser, patient.NationalId!, patient.CountryCode ?? "", patient.TreatingInstitutionId ?? caller.Org ?? "",
                    patient.BirthYear, patient.BirthMonth, patient.Sex, patient.DiseaseStatus, patient.Cd19Status, patient.PriorLines, patient.Consents, now);
                var verified = await store.VerifiedAsync(caller, ct);
                verified.Demand(PatientVisibility.CanEnrol(verified, record.TreatingInstitutionId));
                if (steps.Count > 0)
                {
                    // What RecordInfusion and RecordOutcome demand: a hospital coordinator may enrol but not record.
                    verified.Demand(PatientVisibility.CanRecordClinicalData(verified, record));
                }
            }
            else if (patient.Pseudonym is { } pseudonym)
            {
                record = (await store.FindWritableAsync(caller, pseudonym, ct)).Value;
            }
            else
            {
                return null;
            }
        }
        catch (Exception e) when (IssuesOf(e, patient.Path, patient.PathOf) is { } found)
        {
            issues.AddRange(found);
            if (!patient.Enrols)
            {
                return null;
            }
            // The steps are still checked, on the patient as far as the bundle tells it, so every problem is listed at once.
            record = StandIn(patient, caller, now);
        }
        var n = 0;
        foreach (var step in steps)
        {
            try
            {
                var id = $"import-{++n}";
                if (step is InfusionStep infusion)
                {
                    record = record.RecordInfusion(id, infusion.ProductId, infusion.Dose, infusion.On, infusion.BookingId, now);
                    if (infusion.ProductId.Length > 0)
                    {
                        await getProduct.ExecuteAsync(new GetProductCommand(infusion.ProductId), ct);
                    }
                }
                else if (step is OutcomeStep outcome)
                {
                    record = record.RecordOutcome(id, outcome.On, outcome.Report, caller.Org ?? "", now);
                }
            }
            catch (Exception e) when (IssuesOf(e, step.Path, step.PathOf) is { } found)
            {
                issues.AddRange(found.Select(i => step is InfusionStep s && e is NotFoundException ? i with { Expression = s.PathOf("product_id") } : i));
            }
        }
        return record;
    }

    /// <summary>The patient to enrol with what the bundle got wrong replaced by a valid value; never stored.</summary>
    private static PatientRecord StandIn(ImportedPatient patient, Caller caller, DateTimeOffset now) => new(
        "stand-in", patient.CountryCode ?? "", patient.TreatingInstitutionId ?? caller.Org ?? "",
        patient.BirthYear is > 0 and <= 9999 ? patient.BirthYear : 1, patient.BirthMonth is >= 1 and <= 12 ? patient.BirthMonth : 1,
        patient.Sex ?? Sex.Female, new Diagnosis(patient.DiseaseStatus ?? DiseaseStatus.Relapsed, patient.Cd19Status ?? Cd19Status.Positive, 0),
        new Consents(Registry: true, patient.Consents.CrossBorderSharing, patient.Consents.Research), [], [], now, now);

    private async Task<ImportFhirResult> ApplyAsync(ImportedPatient patient, List<ImportStep> steps, Caller caller, List<ImportIssue> issues, CancellationToken ct)
    {
        var pseudonym = patient.Pseudonym;
        var changed = false;
        var applied = new List<ImportIssue>();
        var current = patient.Path;
        try
        {
            if (patient.Enrols)
            {
                var enrolled = await enrolPatient.ExecuteAsync(new EnrolPatientCommand(patient.NationalId!, patient.CountryCode, patient.TreatingInstitutionId ?? caller.Org ?? "",
                    patient.BirthYear, patient.BirthMonth, patient.Sex, patient.DiseaseStatus, patient.Cd19Status, patient.PriorLines, patient.Consents), caller, ct);
                pseudonym = enrolled.Id;
                changed = true;
                applied.Add(Applied(patient.Path, $"enrolled as {pseudonym}"));
            }
            foreach (var step in steps)
            {
                current = step.Path;
                if (step is InfusionStep infusion)
                {
                    await recordInfusion.ExecuteAsync(new RecordInfusionCommand(pseudonym!, infusion.ProductId, infusion.Dose, infusion.On, infusion.BookingId), caller, ct);
                }
                else if (step is OutcomeStep outcome)
                {
                    await recordOutcome.ExecuteAsync(new RecordOutcomeCommand(pseudonym!, outcome.On, outcome.Report), caller, ct);
                }
                changed = true;
                applied.Add(Applied(step.Path, "recorded"));
            }
        }
        catch (Exception e) when (IssuesOf(e, current, _ => current) is { } found)
        {
            return new ImportFhirResult(false, changed, pseudonym, [.. issues, .. applied, .. found, .. NotApplied(steps, current)]);
        }
        catch (Exception e)
        {
            // No refusal: the registry failed (an outage, a bug). The client still learns what is recorded and what is not.
            LogApplyFailed(e, pseudonym ?? "(not enrolled)", current);
            var failed = new ImportIssue(OperationOutcome.IssueSeverity.Fatal, IssueType.Exception, current,
                "the registry failed while recording this; it and what follows are not recorded, send them again later");
            return new ImportFhirResult(false, changed, pseudonym, [.. issues, .. applied, failed, .. NotApplied(steps, current)]);
        }
        // An OperationOutcome needs at least one issue; a bundle about an enrolled patient and nothing else records nothing.
        ImportIssue[] nothing = changed ? [] : [new(OperationOutcome.IssueSeverity.Information, IssueType.Informational, patient.Path, "nothing to record")];
        return new ImportFhirResult(true, changed, pseudonym, [.. issues, .. applied, .. nothing]);
    }

    /// <summary>The steps after <paramref name="current"/> (all of them when the enrolment failed).</summary>
    private static IEnumerable<ImportIssue> NotApplied(List<ImportStep> steps, string current) =>
        (steps.Any(s => s.Path == current) ? steps.SkipWhile(s => s.Path != current).Skip(1) : steps)
            .Select(s => new ImportIssue(OperationOutcome.IssueSeverity.Information, IssueType.Incomplete, s.Path, "not applied: an earlier step was not recorded"));

    [LoggerMessage(Level = LogLevel.Error, Message = "A FHIR import failed part-way for patient {Pseudonym} at {Element}; the earlier steps are recorded")]
    private partial void LogApplyFailed(Exception exception, string pseudonym, string element);

    private static ImportIssue Applied(string path, string what) => new(OperationOutcome.IssueSeverity.Information, IssueType.Informational, path, what);

    /// <summary>The use cases' refusals as issues on the element they are about; null for what is no refusal (a bug, an outage).</summary>
    public static List<ImportIssue>? IssuesOf(Exception e, string path, Func<string, string> pathOf) => e switch
    {
        InvalidArgumentException invalid => [.. invalid.Violations.Select(v => ImportIssue.Error(IssueType.Invalid, pathOf(v.Field), $"{v.Field} {v.Description}"))],
        RuleViolationException rule => [ImportIssue.Error(IssueType.BusinessRule, path, rule.Message)],
        PermissionDeniedException denied => [ImportIssue.Error(IssueType.Forbidden, path, denied.Message)],
        NotFoundException missing => [ImportIssue.Error(IssueType.NotFound, path, missing.Message)],
        AlreadyExistsException exists => [ImportIssue.Error(IssueType.Duplicate, path, exists.Message)],
        StaleVersionException or ConcurrencyConflictException => [ImportIssue.Error(IssueType.Conflict, path, "the record changed meanwhile; send the bundle again")],
        _ => null,
    };
}
