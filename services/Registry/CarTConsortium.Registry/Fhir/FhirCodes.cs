using Hl7.Fhir.Model;

namespace CarTConsortium.Registry.Fhir;

/// <summary>
/// Every system and code the registry's FHIR bundles use. SNOMED CT and LOINC where a code
/// exists (each with its meaning, as the terminology names it); the consortium's own code
/// system (<see cref="Registry"/>, documented in the README's FHIR table) where none does.
/// </summary>
public static class FhirCodes
{
    public const string Base = "https://fhir.cart-consortium.org";

    /// <summary>The consortium's code system for what SNOMED CT and LOINC have no code for (ASTCT grades, day-28 response, CD19 status...).</summary>
    public const string Registry = Base + "/CodeSystem/cart-registry";

    /// <summary>The registry's pseudonym, the only identifier an exported Patient carries.</summary>
    public const string PseudonymSystem = Base + "/sid/pseudonym";

    /// <summary>A national identifier, on an imported Patient only (enrolment pseudonymises it): this prefix and the issuing country, e.g. .../national-id/KZ.</summary>
    public const string NationalIdSystemPrefix = Base + "/sid/national-id/";

    /// <summary>The consortium's institution ids (a token's org claim).</summary>
    public const string InstitutionSystem = Base + "/sid/institution";

    /// <summary>The consortium's product catalogue ids.</summary>
    public const string ProductSystem = Base + "/CodeSystem/product";

    /// <summary>A slots booking id.</summary>
    public const string BookingSystem = Base + "/sid/booking";

    /// <summary>The extension carrying the lines of therapy before CAR-T on the Condition.</summary>
    public const string PriorLinesExtension = Base + "/StructureDefinition/prior-lines";

    public const string Snomed = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    public const string ConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";

    // SNOMED CT 277571004 |B-cell acute lymphoblastic leukemia (disorder)|.
    public static Coding BAll => new(Snomed, "277571004", "B-cell acute lymphoblastic leukemia (disorder)");

    // SNOMED CT 1156961008 |Chimeric antigen receptor T-cell immunotherapy (procedure)|: the infusion.
    public static Coding CarTInfusion => new(Snomed, "1156961008", "Chimeric antigen receptor T-cell immunotherapy (procedure)");

    // SNOMED CT 234336002 |Hemopoietic stem cell transplant (procedure)|: a consolidating transplant.
    public static Coding StemCellTransplant => new(Snomed, "234336002", "Hemopoietic stem cell transplant (procedure)");

    // SNOMED CT 419620001 |Death (event)|.
    public static Coding Death => new(Snomed, "419620001", "Death (event)");

    // LOINC 59284-0 "Patient Consent" (a document type; the consent category R4's examples use).
    public static Coding PatientConsent => new(Loinc, "59284-0", "Patient Consent");

    /// <summary>The consortium's codes: code and display (the README's table is this list).</summary>
    public static class Local
    {
        public const string Relapsed = "relapsed";
        public const string Refractory = "refractory";
        public const string Cd19Positive = "cd19-positive";
        public const string Cd19Negative = "cd19-negative";
        public const string Day28Response = "day28-response";
        public const string Cr = "cr";
        public const string Cri = "cri";
        public const string NoResponse = "no-response";
        public const string MrdNegative = "mrd-negative";
        public const string CrsGrade = "crs-grade-astct";
        public const string IcansGrade = "icans-grade-astct";
        public const string Relapse = "relapse";
        public const string FollowUp = "follow-up";
        public const string InRemission = "in-remission";
        public const string ActiveDisease = "active-disease";
        public const string BCellAplasia = "b-cell-aplasia";
        public const string Allogeneic = "allogeneic";
        public const string Autologous = "autologous";
        public const string RegistryConsent = "registry-consent";
        public const string CrossBorderConsent = "cross-border-sharing-consent";
        public const string ResearchConsent = "research-consent";

        public static IReadOnlyDictionary<string, string> Displays { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Relapsed] = "Relapsed B-ALL (came back after remission)",
            [Refractory] = "Refractory B-ALL (never reached remission)",
            [Cd19Positive] = "CD19 positive",
            [Cd19Negative] = "CD19 negative",
            [Day28Response] = "Day-28 response to CAR-T",
            [Cr] = "Complete remission",
            [Cri] = "Complete remission with incomplete count recovery",
            [NoResponse] = "No response",
            [MrdNegative] = "Measurable residual disease negative",
            [CrsGrade] = "Cytokine release syndrome grade (ASTCT consensus)",
            [IcansGrade] = "Immune effector cell-associated neurotoxicity syndrome grade (ASTCT consensus)",
            [Relapse] = "Relapse after remission, with the CD19 status of the relapse",
            [FollowUp] = "Follow-up visit",
            [InRemission] = "In remission",
            [ActiveDisease] = "Active disease",
            [BCellAplasia] = "B-cell aplasia (CAR-T cells persist)",
            [Allogeneic] = "Allogeneic",
            [Autologous] = "Autologous",
            [RegistryConsent] = "To be kept in the consortium registry",
            [CrossBorderConsent] = "To be seen by the consortium outside the patient's country",
            [ResearchConsent] = "To be used for research",
        };

        public static Coding Of(string code) => new(Registry, code, Displays[code]);

        public static CodeableConcept Concept(string code) => new() { Coding = [Of(code)] };
    }
}
