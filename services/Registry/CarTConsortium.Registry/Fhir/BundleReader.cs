using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using Hl7.Fhir.Model;
using static CarTConsortium.Registry.Fhir.FhirCodes;
using Consent = Hl7.Fhir.Model.Consent;
using Consents = CarTConsortium.Registry.Domain.Patients.Consents;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;
using Patient = Hl7.Fhir.Model.Patient;

namespace CarTConsortium.Registry.Fhir;

/// <summary>Who the bundle is about: a patient to enrol (a national identifier) or an enrolled one (the pseudonym).</summary>
/// <param name="Path">The Patient's element, for issues about it.</param>
public sealed record ImportedPatient(
    string Path,
    string? Pseudonym,
    string? NationalId,
    string? CountryCode,
    string? TreatingInstitutionId,
    int BirthYear,
    int BirthMonth,
    Sex? Sex,
    DiseaseStatus? DiseaseStatus,
    Cd19Status? Cd19Status,
    int PriorLines,
    Consents Consents,
    string ConditionPath,
    IReadOnlyDictionary<string, string> ConsentPaths)
{
    public bool Enrols => NationalId is not null;

    /// <summary>The element a field of EnrolPatient names.</summary>
    public string PathOf(string field) => field switch
    {
        "national_id" or "country_code" => Path + ".identifier",
        "treating_institution_id" => Path + ".managingOrganization",
        "birth_year" or "birth_month" => Path + ".birthDate",
        "sex" => Path + ".gender",
        "diagnosis.disease_status" => ConditionPath + ".stage",
        "diagnosis.cd19_status" => ConditionPath + ".evidence",
        "diagnosis.prior_lines" => ConditionPath + ".extension",
        _ when field.StartsWith("consents.", StringComparison.Ordinal) => ConsentPaths.GetValueOrDefault(field, "Bundle.entry"),
        _ => Path,
    };
}

/// <summary>One infusion or outcome to record, in the bundle's words.</summary>
public abstract record ImportStep(DateParts? On, string Path)
{
    /// <summary>The element a field of the use case's command names.</summary>
    public abstract string PathOf(string field);
}

/// <param name="AdministrationPath">The MedicationAdministration that carries the product and dose.</param>
public sealed record InfusionStep(DateParts? On, string Path, string AdministrationPath, string ProductId, double Dose, string? BookingId) : ImportStep(On, Path)
{
    public override string PathOf(string field) => field switch
    {
        "product_id" => AdministrationPath + ".medication",
        "dose_million_cells_per_kg" => AdministrationPath + ".dosage.dose",
        "booking_id" => Path + ".identifier",
        _ => Path + ".performed",
    };
}

public sealed record OutcomeStep(DateParts? On, string Path, OutcomeReport? Report) : ImportStep(On, Path)
{
    public override string PathOf(string field) => field switch
    {
        "occurred_on" or "toxicity.resolved_on" => Path + ".effective",
        "kind" => Path + ".code",
        "response.mrd_negative" or "follow_up.b_cell_aplasia" => Path + ".component",
        _ => Path + ".value",
    };
}

/// <summary>What a submitted bundle asks for, and every problem of its shape (the rules are the use cases').</summary>
public sealed record ImportPlan(ImportedPatient? Patient, IReadOnlyList<ImportStep> Steps, IReadOnlyList<ImportIssue> Issues);

/// <summary>
/// Reads a bundle of the shape <see cref="PatientBundle"/> writes (as a hospital's EHR would
/// send it, with a national identifier to enrol). Pure: it only reads the bundle; whether
/// what it says may be recorded is for the use cases to decide.
/// </summary>
public static class BundleReader
{
    private static readonly string InfusionCode = CarTInfusion.Code!;
    private static readonly string TransplantCode = StemCellTransplant.Code!;
    private static readonly string DeathCode = FhirCodes.Death.Code!;

    public static ImportPlan Read(Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var issues = new List<ImportIssue>();
        var entries = bundle.Entry.Select((e, i) => (Resource: e.Resource, Path: $"Bundle.entry[{i}].resource", FullUrl: e.FullUrl)).ToList();
        var patients = entries.Where(e => e.Resource is Patient).ToList();
        if (patients.Count != 1)
        {
            issues.Add(ImportIssue.Error(IssueType.Required, "Bundle.entry", $"must hold exactly one Patient (found {patients.Count})"));
            return new ImportPlan(null, [], issues);
        }
        var patientEntry = patients[0];
        var patient = (Patient)patientEntry.Resource!;
        var subjectRefs = new HashSet<string>(StringComparer.Ordinal) { $"Patient/{patient.Id}" };
        if (patientEntry.FullUrl is { Length: > 0 } url)
        {
            subjectRefs.Add(url);
        }
        var steps = new List<ImportStep>();
        var administrations = entries.Where(e => e.Resource is MedicationAdministration).ToList();
        string conditionPath = patientEntry.Path;
        DiseaseStatus? diseaseStatus = null;
        Cd19Status? cd19 = null;
        var priorLines = 0;
        var consents = new Dictionary<string, bool>(StringComparer.Ordinal);
        var consentPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (resource, path, _) in entries)
        {
            if (resource is null)
            {
                issues.Add(ImportIssue.Error(IssueType.Required, path, "is missing"));
                continue;
            }
            CheckSubject(resource, path, subjectRefs, issues);
            switch (resource)
            {
                case Patient:
                    break;
                case Condition condition:
                    conditionPath = path;
                    diseaseStatus = Code(condition.Stage.FirstOrDefault()?.Summary) switch
                    {
                        Local.Relapsed => DiseaseStatus.Relapsed,
                        Local.Refractory => DiseaseStatus.Refractory,
                        _ => null,
                    };
                    cd19 = Cd19(condition.Evidence.SelectMany(e => e.Code).Select(Code).FirstOrDefault(c => c is Local.Cd19Positive or Local.Cd19Negative));
                    if (condition.GetExtensionValue<Integer>(PriorLinesExtension)?.Value is { } lines)
                    {
                        priorLines = lines;
                    }
                    break;
                case Consent consent:
                    var which = Code(consent.PolicyRule) switch
                    {
                        Local.RegistryConsent => "consents.registry",
                        Local.CrossBorderConsent => "consents.cross_border_sharing",
                        Local.ResearchConsent => "consents.research",
                        _ => null,
                    };
                    if (which is null)
                    {
                        issues.Add(ImportIssue.Error(IssueType.CodeInvalid, path + ".policyRule", $"must be one of the consortium's consents ({Local.RegistryConsent}, {Local.CrossBorderConsent}, {Local.ResearchConsent}) in {FhirCodes.Registry}"));
                        break;
                    }
                    consents[which] = consent.Status == Consent.ConsentState.Active && consent.Provision?.Type == Consent.ConsentProvisionType.Permit;
                    consentPaths[which] = path + ".provision.type";
                    break;
                case Procedure procedure when HasCode(procedure.Code, InfusionCode):
                    steps.Add(InfusionOf(procedure, path, administrations, issues));
                    break;
                case Procedure procedure when HasCode(procedure.Code, TransplantCode):
                    steps.Add(new OutcomeStep(Day(procedure.Performed, path + ".performed", issues), path,
                        new TransplantReport(HasCode(procedure.Code, Local.Allogeneic))));
                    break;
                case MedicationAdministration:
                    // Read with the infusion Procedure it is part of.
                    break;
                case Observation observation:
                    steps.Add(OutcomeOf(observation, path, issues));
                    break;
                default:
                    issues.Add(new ImportIssue(OperationOutcome.IssueSeverity.Warning, IssueType.NotSupported, path,
                        $"a {resource.TypeName} is not part of the registry's record and was not imported"));
                    break;
            }
        }
        foreach (var (resource, path, _) in administrations)
        {
            var administration = (MedicationAdministration)resource!;
            if (!administration.PartOf.Any(p => steps.OfType<InfusionStep>().Any(s => p.Reference == $"Procedure/{IdOf(entries, s.Path)}")))
            {
                issues.Add(ImportIssue.Error(IssueType.Invalid, path + ".partOf", $"must reference the infusion Procedure (code {InfusionCode}) it is part of"));
            }
        }
        var imported = PatientOf(patient, patientEntry.Path, conditionPath, diseaseStatus, cd19, priorLines, consents, consentPaths, issues);
        return new ImportPlan(imported, steps, issues);
    }

    private static ImportedPatient PatientOf(Patient patient, string path, string conditionPath, DiseaseStatus? diseaseStatus, Cd19Status? cd19, int priorLines,
        Dictionary<string, bool> consents, Dictionary<string, string> consentPaths, List<ImportIssue> issues)
    {
        var pseudonym = patient.Identifier.FirstOrDefault(i => i.System == PseudonymSystem)?.Value;
        var national = patient.Identifier.FirstOrDefault(i => i.System?.StartsWith(NationalIdSystemPrefix, StringComparison.Ordinal) == true);
        if (national is not null && string.IsNullOrWhiteSpace(national.Value))
        {
            // Without this the patient would be neither enrolled nor found, and the import would say nothing.
            issues.Add(ImportIssue.Error(IssueType.Required, $"{path}.identifier[{patient.Identifier.IndexOf(national)}].value",
                "the national identifier has no value: it is what the patient is enrolled by"));
        }
        else if (pseudonym is null && national is null)
        {
            issues.Add(ImportIssue.Error(IssueType.Required, path + ".identifier",
                $"needs a national identifier (system {NationalIdSystemPrefix}<country>) to enrol, or the registry's pseudonym (system {PseudonymSystem}) to add to a record"));
        }
        int year = 0, month = 0;
        var birth = patient.BirthDate ?? "";
        if (birth.Length >= 7 && int.TryParse(birth.AsSpan(0, 4), out var y) && int.TryParse(birth.AsSpan(5, 2), out var m))
        {
            (year, month) = (y, m);
        }
        else if (national is not null)
        {
            issues.Add(ImportIssue.Error(IssueType.Required, path + ".birthDate", "needs at least the year and month of birth (YYYY-MM)"));
        }
        return new ImportedPatient(path, pseudonym, national?.Value, national?.System?[NationalIdSystemPrefix.Length..],
            patient.ManagingOrganization?.Identifier?.System == InstitutionSystem ? patient.ManagingOrganization.Identifier.Value : null,
            year, month,
            patient.Gender switch { AdministrativeGender.Female => Sex.Female, AdministrativeGender.Male => Sex.Male, _ => null },
            diseaseStatus, cd19, priorLines,
            new Consents(consents.GetValueOrDefault("consents.registry"), consents.GetValueOrDefault("consents.cross_border_sharing"), consents.GetValueOrDefault("consents.research")),
            conditionPath, consentPaths);
    }

    private static InfusionStep InfusionOf(Procedure procedure, string path, List<(Resource? Resource, string Path, string? FullUrl)> administrations, List<ImportIssue> issues)
    {
        var day = Day(procedure.Performed, path + ".performed", issues);
        var given = administrations.FirstOrDefault(a => ((MedicationAdministration)a.Resource!).PartOf.Any(p => p.Reference == $"Procedure/{procedure.Id}"));
        var booking = procedure.Identifier.FirstOrDefault(i => i.System == BookingSystem)?.Value;
        if (given.Resource is not MedicationAdministration administration)
        {
            issues.Add(ImportIssue.Error(IssueType.Required, path, "needs a MedicationAdministration of the product (partOf this Procedure) with the dose"));
            return new InfusionStep(day, path, path, "", 0, booking);
        }
        var product = (administration.Medication as CodeableConcept)?.Coding.FirstOrDefault(c => c.System == ProductSystem)?.Code;
        if (product is null)
        {
            issues.Add(ImportIssue.Error(IssueType.Required, given.Path + ".medication", $"must name the product by its consortium id (system {ProductSystem})"));
        }
        var dose = administration.Dosage?.Dose;
        if (dose?.Value is null || dose.Code != "10*6/kg")
        {
            issues.Add(ImportIssue.Error(IssueType.Required, given.Path + ".dosage.dose", "must be the dose in UCUM 10*6/kg (million cells per kg)"));
        }
        return new InfusionStep(day, path, given.Path, product ?? "", (double)(dose?.Value ?? 0), booking);
    }

    private static OutcomeStep OutcomeOf(Observation observation, string path, List<ImportIssue> issues)
    {
        DateParts? day;
        DateParts? resolved = null;
        if (observation.Effective is Period period)
        {
            day = Day(period.StartElement, path + ".effective", issues);
            resolved = period.EndElement is null ? null : Day(period.EndElement, path + ".effective", issues);
        }
        else
        {
            day = Day(observation.Effective, path + ".effective", issues);
        }
        var value = observation.Value as CodeableConcept;
        OutcomeReport? report = Code(observation.Code) switch
        {
            Local.Day28Response => new ResponseReport(Code(value) switch
            {
                Local.Cr => Day28Response.Cr,
                Local.Cri => Day28Response.Cri,
                Local.NoResponse => Day28Response.NoResponse,
                _ => null,
            }, Component(observation, Local.MrdNegative)),
            Local.CrsGrade => new ToxicityReport(ToxicityKind.Crs, (observation.Value as Integer)?.Value ?? -1, resolved),
            Local.IcansGrade => new ToxicityReport(ToxicityKind.Icans, (observation.Value as Integer)?.Value ?? -1, resolved),
            Local.Relapse => new RelapseReport(Cd19(Code(value))),
            Local.FollowUp => new FollowUpReport(Code(value) switch
            {
                Local.InRemission => DiseaseState.InRemission,
                Local.ActiveDisease => DiseaseState.ActiveDisease,
                _ => null,
            }, Component(observation, Local.BCellAplasia)),
            _ when HasCode(observation.Code, DeathCode) => new DeathReport((observation.Value as FhirString)?.Value),
            // No kind: the use case names the code.
            _ => null,
        };
        return new OutcomeStep(day, path, report);
    }

    private static void CheckSubject(Resource resource, string path, HashSet<string> patient, List<ImportIssue> issues)
    {
        var (element, reference) = resource switch
        {
            Condition c => ("subject", c.Subject?.Reference),
            Procedure p => ("subject", p.Subject?.Reference),
            Observation o => ("subject", o.Subject?.Reference),
            MedicationAdministration m => ("subject", m.Subject?.Reference),
            Consent c => ("patient", c.Patient?.Reference),
            _ => ("", null),
        };
        if (element.Length > 0 && (reference is null || !patient.Contains(reference)))
        {
            issues.Add(ImportIssue.Error(IssueType.Invalid, $"{path}.{element}", "must reference the bundle's Patient: a bundle is about one patient"));
        }
    }

    private static string? IdOf(List<(Resource? Resource, string Path, string? FullUrl)> entries, string path) =>
        entries.FirstOrDefault(e => e.Path == path).Resource?.Id;

    private static DateParts? Day(DataType? value, string path, List<ImportIssue> issues)
    {
        var text = value switch
        {
            FhirDateTime dateTime => dateTime.Value,
            Date date => date.Value,
            _ => null,
        };
        if (text is { Length: >= 10 } && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var day))
        {
            return DateParts.Of(day);
        }
        issues.Add(ImportIssue.Error(IssueType.Required, path, "must be a whole day (YYYY-MM-DD)"));
        return null;
    }

    private static bool Component(Observation observation, string code) =>
        observation.Component.FirstOrDefault(c => Code(c.Code) == code)?.Value is FhirBoolean { Value: true };

    private static Cd19Status? Cd19(string? code) => code switch
    {
        Local.Cd19Positive => Cd19Status.Positive,
        Local.Cd19Negative => Cd19Status.Negative,
        _ => null,
    };

    private static string? Code(CodeableConcept? concept) => concept?.Coding.FirstOrDefault(c => c.System == FhirCodes.Registry)?.Code;

    private static bool HasCode(CodeableConcept? concept, string code) => concept?.Coding.Any(c => c.Code == code) == true;
}
