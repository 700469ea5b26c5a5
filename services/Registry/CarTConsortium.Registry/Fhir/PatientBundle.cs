using System.Globalization;
using CarTConsortium.Registry.Domain.Patients;
using Hl7.Fhir.Model;
using static CarTConsortium.Registry.Fhir.FhirCodes;
using Consent = Hl7.Fhir.Model.Consent;
using Consents = CarTConsortium.Registry.Domain.Patients.Consents;
using Death = CarTConsortium.Registry.Domain.Patients.Death;
using Patient = Hl7.Fhir.Model.Patient;

namespace CarTConsortium.Registry.Fhir;

/// <summary>
/// One pseudonymised record as a FHIR R4 Bundle of type collection: a set of resources
/// about one patient handed to another system, not a clinical document a clinician attests
/// (that would be type document, with a Composition first). Pure: no I/O, no clock but the
/// one given. The Patient's only identifier is the pseudonym; its birth date is the year and
/// month; a national identifier is never stored, so it cannot be exported.
/// </summary>
/// <remarks>
/// The product is a <see cref="MedicationAdministration"/>: a CAR-T product is an authorised
/// medicinal product (an advanced therapy, ATC L01XL) given at a dose in cells per kg, not a
/// device; the infusion is also a <see cref="Procedure"/> (SNOMED CT 1156961008), which the
/// administration is part of. Resource ids are the registry's own (the pseudonym, infusion and
/// outcome ids), so exporting one record twice gives the same ids.
/// </remarks>
public static class PatientBundle
{
    public static Bundle From(PatientRecord record, DateTimeOffset exportedAt)
    {
        ArgumentNullException.ThrowIfNull(record);
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Timestamp = exportedAt };
        var patient = PatientReference(record.Pseudonym);
        Add(bundle, PatientOf(record));
        Add(bundle, ConditionOf(record, patient));
        foreach (var infusion in record.Infusions)
        {
            Add(bundle, ProcedureOf(infusion, patient));
            Add(bundle, AdministrationOf(infusion, patient));
        }
        foreach (var outcome in record.Outcomes)
        {
            Add(bundle, OutcomeOf(outcome, patient));
        }
        foreach (var consent in ConsentsOf(record, patient))
        {
            Add(bundle, consent);
        }
        return bundle;
    }

    /// <summary>Where a resource of the registry lives: its entry's fullUrl, under the consortium's base.</summary>
    public static string FullUrl(Resource resource) => $"{FhirCodes.Base}/{resource.TypeName}/{resource.Id}";

    public static ResourceReference PatientReference(string pseudonym) => new($"Patient/{pseudonym}");

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public const string AdministrationPrefix = "admin-";

    public const string ConditionSuffix = "-diagnosis";

    private static void Add(Bundle bundle, Resource resource) =>
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = FullUrl(resource), Resource = resource });

    private static Patient PatientOf(PatientRecord record)
    {
        var patient = new Patient
        {
            Id = record.Pseudonym,
            Identifier = [new Identifier(PseudonymSystem, record.Pseudonym)],
            Gender = record.Sex == Sex.Female ? AdministrativeGender.Female : AdministrativeGender.Male,
            // A partial date: the registry keeps no day of birth.
            BirthDateElement = new Date(record.BirthYear, record.BirthMonth),
            ManagingOrganization = new ResourceReference { Identifier = new Identifier(InstitutionSystem, record.TreatingInstitutionId) },
        };
        if (record.DeathRecorded is { } death)
        {
            patient.Deceased = new FhirDateTime(Day(death.OccurredOn));
        }
        return patient;
    }

    private static Condition ConditionOf(PatientRecord record, ResourceReference patient)
    {
        var diagnosis = record.Diagnosis;
        return new Condition
        {
            Id = record.Pseudonym + ConditionSuffix,
            ClinicalStatus = new CodeableConcept(ConditionClinical, diagnosis.DiseaseStatus == DiseaseStatus.Relapsed ? "relapse" : "active"),
            VerificationStatus = new CodeableConcept(ConditionVerification, "confirmed"),
            Code = new CodeableConcept { Coding = [BAll] },
            Subject = patient,
            RecordedDateElement = new FhirDateTime(Day(DateOnly.FromDateTime(record.EnrolledAt.UtcDateTime))),
            // The disease status at enrolment is the condition's stage; the CD19 status is the evidence it was assessed on.
            Stage = [new Condition.StageComponent { Summary = Local.Concept(diagnosis.DiseaseStatus == DiseaseStatus.Relapsed ? Local.Relapsed : Local.Refractory) }],
            Evidence = [new Condition.EvidenceComponent { Code = [Local.Concept(Cd19(diagnosis.Cd19Status))] }],
            Extension = [new Extension(PriorLinesExtension, new Integer(diagnosis.PriorLines))],
        };
    }

    private static string Cd19(Cd19Status status) => status == Cd19Status.Positive ? Local.Cd19Positive : Local.Cd19Negative;

    private static Procedure ProcedureOf(Infusion infusion, ResourceReference patient)
    {
        var procedure = new Procedure
        {
            Id = infusion.InfusionId,
            Status = EventStatus.Completed,
            Code = new CodeableConcept { Coding = [CarTInfusion] },
            Subject = patient,
            Performed = new FhirDateTime(Day(infusion.InfusedOn)),
            UsedCode = [new CodeableConcept(ProductSystem, infusion.ProductId)],
        };
        if (!string.IsNullOrEmpty(infusion.BookingId))
        {
            procedure.Identifier = [new Identifier(BookingSystem, infusion.BookingId)];
        }
        return procedure;
    }

    private static MedicationAdministration AdministrationOf(Infusion infusion, ResourceReference patient) => new()
    {
        Id = AdministrationPrefix + infusion.InfusionId,
        Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
        Medication = new CodeableConcept(ProductSystem, infusion.ProductId),
        Subject = patient,
        Effective = new FhirDateTime(Day(infusion.InfusedOn)),
        PartOf = [new ResourceReference($"Procedure/{infusion.InfusionId}")],
        // UCUM 10*6/kg: million (CAR-positive viable T) cells per kg of body weight.
        Dosage = new MedicationAdministration.DosageComponent
        {
            Dose = new Quantity { Value = (decimal)infusion.DoseMillionCellsPerKg, System = Ucum, Code = "10*6/kg", Unit = "10^6 cells/kg" },
        },
    };

    private static Resource OutcomeOf(Outcome outcome, ResourceReference patient)
    {
        if (outcome.Detail is Transplant transplant)
        {
            return new Procedure
            {
                Id = outcome.OutcomeId,
                Status = EventStatus.Completed,
                Code = new CodeableConcept { Coding = [StemCellTransplant, Local.Of(transplant.Allogeneic ? Local.Allogeneic : Local.Autologous)] },
                Subject = patient,
                Performed = new FhirDateTime(Day(outcome.OccurredOn)),
            };
        }
        var observation = new Observation
        {
            Id = outcome.OutcomeId,
            Status = ObservationStatus.Final,
            Subject = patient,
            Effective = new FhirDateTime(Day(outcome.OccurredOn)),
        };
        switch (outcome.Detail)
        {
            case ResponseAssessment response:
                observation.Code = Local.Concept(Local.Day28Response);
                observation.Value = Local.Concept(response.Response switch
                {
                    Day28Response.Cr => Local.Cr,
                    Day28Response.Cri => Local.Cri,
                    _ => Local.NoResponse,
                });
                observation.Component = [new Observation.ComponentComponent { Code = Local.Concept(Local.MrdNegative), Value = new FhirBoolean(response.MrdNegative) }];
                break;
            case Toxicity toxicity:
                observation.Code = Local.Concept(toxicity.Kind == ToxicityKind.Crs ? Local.CrsGrade : Local.IcansGrade);
                observation.Value = new Integer(toxicity.Grade);
                if (toxicity.ResolvedOn is { } resolved)
                {
                    // Onset to resolution.
                    observation.Effective = new Period(new FhirDateTime(Day(outcome.OccurredOn)), new FhirDateTime(Day(resolved)));
                }
                break;
            case Relapse relapse:
                observation.Code = Local.Concept(Local.Relapse);
                observation.Value = Local.Concept(Cd19(relapse.Cd19Status));
                break;
            case Death death:
                observation.Code = new CodeableConcept { Coding = [FhirCodes.Death] };
                if (death.Cause.Length > 0)
                {
                    observation.Value = new FhirString(death.Cause);
                }
                break;
            case FollowUpVisit visit:
                observation.Code = Local.Concept(Local.FollowUp);
                observation.Value = Local.Concept(visit.DiseaseState == DiseaseState.InRemission ? Local.InRemission : Local.ActiveDisease);
                observation.Component = [new Observation.ComponentComponent { Code = Local.Concept(Local.BCellAplasia), Value = new FhirBoolean(visit.BCellAplasia) }];
                break;
            default:
                throw new ArgumentException($"Unknown outcome {outcome.Detail.GetType().Name}.", nameof(outcome));
        }
        return observation;
    }

    /// <summary>One Consent per consent the registry keeps, each permit or deny.</summary>
    private static IEnumerable<Consent> ConsentsOf(PatientRecord record, ResourceReference patient)
    {
        Consents consents = record.Consents;
        yield return ConsentOf(record, patient, Local.RegistryConsent, "patient-privacy", consents.Registry);
        yield return ConsentOf(record, patient, Local.CrossBorderConsent, "patient-privacy", consents.CrossBorderSharing);
        yield return ConsentOf(record, patient, Local.ResearchConsent, "research", consents.Research);
    }

    private static Consent ConsentOf(PatientRecord record, ResourceReference patient, string code, string scope, bool given) => new()
    {
        Id = $"{record.Pseudonym}-{code}",
        Status = Consent.ConsentState.Active,
        Scope = new CodeableConcept(ConsentScope, scope),
        Category = [new CodeableConcept { Coding = [PatientConsent] }],
        Patient = patient,
        DateTimeElement = new FhirDateTime(record.ConsentsChangedAt),
        PolicyRule = Local.Concept(code),
        Provision = new Consent.provisionComponent { Type = given ? Consent.ConsentProvisionType.Permit : Consent.ConsentProvisionType.Deny },
    };
}
