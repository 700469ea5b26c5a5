using System.Text.Json;
using System.Text.Json.Nodes;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Storage;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

/// <summary>The record as a stored document: the JSON both storage adapters write, and the keys lists filter on.</summary>
public sealed class PatientStorageTests
{
    /// <summary>Every kind of outcome, both kinds of toxicity, a booking and none.</summary>
    private static PatientRecord WholeCourse() => Enrolled(consents: Shared)
        .Infused(D(2025, 6, 2))
        .With(D(2025, 6, 4), new ToxicityReport(ToxicityKind.Crs, 2, new DateParts(2025, 6, 8)))
        .With(D(2025, 6, 7), new ToxicityReport(ToxicityKind.Icans, 1, null))
        .With(D(2025, 6, 30), Cr)
        .With(D(2025, 9, 30), new FollowUpReport(DiseaseState.InRemission, BCellAplasia: true))
        .With(D(2025, 11, 3), Relapsed)
        .RecordInfusion("inf-2", "tisagenlecleucel", 0.25, new DateParts(2025, 12, 1), "bk-2025-0042", Now)
        .With(D(2025, 12, 29), Cri)
        .With(D(2026, 2, 10), Transplanted)
        .With(Today, new DeathReport("infection"));

    [Fact]
    public void A_record_with_every_kind_of_outcome_reads_back_as_it_was_written()
    {
        var record = WholeCourse();

        var read = RoundTrip(record);

        Assert.Equivalent(record, read, strict: true);
        Assert.Equal(record.Outcomes, read.Outcomes);
        Assert.Equal(record.Infusions, read.Infusions);
        Assert.Equal(record with { Infusions = read.Infusions, Outcomes = read.Outcomes }, read);
        Assert.Equal(Json(record), Json(read));
    }

    [Fact]
    public void Each_outcome_detail_keeps_its_own_type()
    {
        var read = RoundTrip(WholeCourse());

        Assert.Equal(
            [typeof(Toxicity), typeof(Toxicity), typeof(ResponseAssessment), typeof(FollowUpVisit), typeof(Relapse),
                typeof(ResponseAssessment), typeof(Transplant), typeof(Death)],
            read.Outcomes.Select(o => o.Detail.GetType()));
    }

    [Fact]
    public void The_document_names_kinds_and_enums_in_words_and_holds_no_derived_flags()
    {
        var document = JsonNode.Parse(Json(WholeCourse()))!.AsObject();

        Assert.Equal("Female", (string?)document["sex"]);
        Assert.Equal("Relapsed", (string?)document["diagnosis"]!["diseaseStatus"]);
        Assert.Equal("Positive", (string?)document["diagnosis"]!["cd19Status"]);
        var outcomes = document["outcomes"]!.AsArray();
        Assert.Equal(["toxicity", "toxicity", "response", "follow_up", "relapse", "response", "transplant", "death"],
            outcomes.Select(o => (string?)o!["detail"]!["type"]));
        Assert.Equal("Crs", (string?)outcomes[0]!["detail"]!["kind"]);
        Assert.Equal("2025-06-08", (string?)outcomes[0]!["detail"]!["resolvedOn"]);
        Assert.Equal("Cr", (string?)outcomes[2]!["detail"]!["response"]);
        Assert.Equal("2025-06-30", (string?)outcomes[2]!["occurredOn"]);
        Assert.Equal("Negative", (string?)outcomes[4]!["detail"]!["cd19Status"]);
        Assert.Equal("InRemission", (string?)outcomes[3]!["detail"]!["diseaseState"]);
        Assert.False(document.ContainsKey("isFrozen"));
        Assert.False(document.ContainsKey("deathRecorded"));
        Assert.False(document["consents"]!.AsObject().ContainsKey("sharedAcrossBorders"));
        Assert.False(outcomes[2]!["detail"]!.AsObject().ContainsKey("isRemission"));
    }

    [Fact]
    public void A_stored_document_written_by_hand_reads_as_a_record()
    {
        const string json = """
            {"pseudonym":"KZ-7F3K-9Q2M-4N5P-R8TV","countryCode":"KZ","treatingInstitutionId":"kz-ncb-astana",
             "birthYear":2016,"birthMonth":5,"sex":"Male",
             "diagnosis":{"diseaseStatus":"Refractory","cd19Status":"Positive","priorLines":3},
             "consents":{"registry":true,"crossBorderSharing":false,"research":true},
             "infusions":[{"infusionId":"inf-1","productId":"nexcar19","doseMillionCellsPerKg":1.5,"infusedOn":"2025-06-02","bookingId":null,"recordedAt":"2026-03-10T09:30:00+00:00"}],
             "outcomes":[{"outcomeId":"out-1","occurredOn":"2025-06-03","detail":{"type":"toxicity","kind":"Icans","grade":3,"resolvedOn":null},
                          "recordedAt":"2026-03-10T09:30:00+00:00","recordedByInstitutionId":"kz-ncb-astana"}],
             "enrolledAt":"2026-03-10T09:30:00+00:00","consentsChangedAt":"2026-03-10T09:30:00+00:00"}
            """;

        var record = JsonSerializer.Deserialize<PatientRecord>(json, DocumentJson.Options)!;

        Assert.Equal(new Outcome("out-1", D(2025, 6, 3), new Toxicity(ToxicityKind.Icans, 3, null), Now, Astana), Assert.Single(record.Outcomes));
        Assert.Equal(new Infusion("inf-1", "nexcar19", 1.5, D(2025, 6, 2), null, Now), Assert.Single(record.Infusions));
        Assert.Equal(new Diagnosis(DiseaseStatus.Refractory, Cd19Status.Positive, 3), record.Diagnosis);
        Assert.Equal(Sex.Male, record.Sex);
    }

    [Fact]
    public void The_collection_is_patients_with_its_keys()
    {
        Assert.Equal("patients", RegistryCollections.Patients.Name);
        foreach (var key in new[] { "country", "treating_institution", "shared", "active", "research" })
        {
            Assert.True(RegistryCollections.Patients.HasKey(key), key);
        }
    }

    [Theory]
    [InlineData(true, false, false, false)]
    [InlineData(true, false, true, false)]
    [InlineData(true, true, false, true)]
    [InlineData(true, true, true, true)]
    public void A_record_is_listed_as_shared_only_with_registry_and_cross_border_consent_and_for_research_only_with_that_consent(bool registry, bool crossBorder, bool research, bool shared)
    {
        var record = Enrolled(Tashkent, new Consents(registry, crossBorder, research));

        var keys = Keys(record);

        Assert.Equal(new Dictionary<string, string>
        {
            ["country"] = "KZ",
            ["treating_institution"] = Tashkent,
            ["active"] = "yes",
        }.Concat(shared ? [new("shared", "yes")] : []).Concat(research ? [new("research", "yes")] : []).ToDictionary(), keys);
    }

    [Fact]
    public void A_frozen_record_is_listed_by_country_and_institution_only()
    {
        var frozen = Enrolled(consents: Shared).ChangeConsent(Withdrawn, Now);

        Assert.Equal(new Dictionary<string, string> { ["country"] = "KZ", ["treating_institution"] = Astana }, Keys(frozen));
    }

    [Fact]
    public void The_document_id_is_the_pseudonym()
    {
        var record = Enrolled();

        var write = new ChangeSet().Insert(RegistryCollections.Patients, record.Pseudonym, record).Writes[0];

        Assert.Equal(record.Pseudonym, write.Id);
        Assert.Equal("patients", write.Collection);
        Assert.True(Pseudonymiser.IsPseudonym(write.Id));
    }

    private static string Json(PatientRecord record) => new ChangeSet().Insert(RegistryCollections.Patients, record.Pseudonym, record).Writes[0].Json;

    private static PatientRecord RoundTrip(PatientRecord record) =>
        JsonSerializer.Deserialize<PatientRecord>(Json(record), DocumentJson.Options)!;

    // The registry's own keys; the store's key-set mark (for its back-fill) is not this test's concern.
    private static Dictionary<string, string> Keys(PatientRecord record) =>
        new ChangeSet().Insert(RegistryCollections.Patients, record.Pseudonym, record).Writes[0].Keys
            .Where(k => k.Key != KeySetMark.Key).ToDictionary();
}
