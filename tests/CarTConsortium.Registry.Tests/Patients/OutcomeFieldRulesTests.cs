using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

/// <summary>The fields of an outcome, checked before the record is looked at.</summary>
public sealed class OutcomeFieldRulesTests
{
    private const string Future = "must not be in the future";
    private const string Required = "is required: year, month and day";
    private const string NotADate = "is not a calendar date";

    /// <summary>Infused on 2025-06-02.</summary>
    private static readonly PatientRecord Infused = Enrolled().Infused(D(2025, 6, 2));

    /// <summary>Everything a caller sends to record an outcome.</summary>
    private sealed record Draft(DateParts? OccurredOn, OutcomeReport? Report);

    private static readonly Draft Valid = new(new DateParts(2025, 6, 4), new ToxicityReport(ToxicityKind.Crs, 2, new DateParts(2025, 6, 9)));

    private static readonly Dictionary<string, (Func<Draft, Draft> Break, string Field, string Description)> Cases = new()
    {
        ["occurred_on missing"] = (d => d with { OccurredOn = null }, "occurred_on", Required),
        ["occurred_on all zero"] = (d => d with { OccurredOn = new DateParts(0, 0, 0) }, "occurred_on", Required),
        ["occurred_on a month"] = (d => d with { OccurredOn = new DateParts(2025, 6, 0) }, "occurred_on", Required),
        ["occurred_on 31 June"] = (d => d with { OccurredOn = new DateParts(2025, 6, 31) }, "occurred_on", NotADate),
        ["occurred_on tomorrow"] = (d => d with { OccurredOn = DateParts.Of(Today.AddDays(1)), Report = FollowUp }, "occurred_on", Future),
        ["kind missing"] = (d => d with { Report = null }, "kind", "is required: one of response, toxicity, relapse, transplant, death or follow_up"),
        ["response unspecified"] = (d => d with { Report = new ResponseReport(null, false) }, "response.response", "must be CR, CRI or NO_RESPONSE"),
        ["response unspecified and MRD negative"] = (d => d with { Report = new ResponseReport(null, true) }, "response.response", "must be CR, CRI or NO_RESPONSE"),
        ["MRD negative without a remission"] = (d => d with { Report = new ResponseReport(Day28Response.NoResponse, true) }, "response.mrd_negative",
            "can be true only with a complete remission (CR or CRi)"),
        ["toxicity.kind unspecified"] = (d => d with { Report = new ToxicityReport(null, 2, null) }, "toxicity.kind", "must be CRS or ICANS"),
        ["toxicity.grade 5"] = (d => d with { Report = new ToxicityReport(ToxicityKind.Crs, 5, null) }, "toxicity.grade", "must be an ASTCT grade, 0-4"),
        ["toxicity.grade negative"] = (d => d with { Report = new ToxicityReport(ToxicityKind.Icans, -1, null) }, "toxicity.grade", "must be an ASTCT grade, 0-4"),
        ["toxicity.resolved_on 31 June"] = (d => d with { Report = new ToxicityReport(ToxicityKind.Crs, 2, new DateParts(2025, 6, 31)) }, "toxicity.resolved_on", NotADate),
        ["toxicity.resolved_on a month"] = (d => d with { Report = new ToxicityReport(ToxicityKind.Crs, 2, new DateParts(2025, 7, 0)) }, "toxicity.resolved_on", Required),
        ["toxicity.resolved_on tomorrow"] = (d => d with { OccurredOn = DateParts.Of(Today), Report = new ToxicityReport(ToxicityKind.Crs, 2, DateParts.Of(Today.AddDays(1))) },
            "toxicity.resolved_on", Future),
        ["toxicity.resolved_on before occurred_on"] = (d => d with { Report = new ToxicityReport(ToxicityKind.Crs, 2, new DateParts(2025, 6, 3)) },
            "toxicity.resolved_on", "must not be before occurred_on"),
        ["toxicity.resolved_on with grade 0"] = (d => d with { Report = new ToxicityReport(ToxicityKind.Crs, 0, new DateParts(2025, 6, 9)) },
            "toxicity.resolved_on", "is only for grades above 0"),
        ["relapse.cd19_status unspecified"] = (d => d with { Report = new RelapseReport(null) }, "relapse.cd19_status", "must be POSITIVE or NEGATIVE"),
        ["death.cause of 201"] = (d => d with { Report = new DeathReport(new string('c', 201)) }, "death.cause", "must be at most 200 characters"),
        ["follow_up.disease_state unspecified"] = (d => d with { Report = new FollowUpReport(null, true) }, "follow_up.disease_state",
            "must be IN_REMISSION or ACTIVE_DISEASE"),
    };

    public static TheoryData<string> SingleRuleCases => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(SingleRuleCases))]
    public void Each_broken_rule_alone_is_reported_on_its_field_only(string name)
    {
        var (breakRule, field, description) = Cases[name];

        var violation = Assert.Single(Violations(breakRule(Valid)));

        Assert.Equal(new FieldViolation(field, description), violation);
    }

    [Fact]
    public void The_valid_draft_passes()
    {
        var outcome = Assert.Single(Record(Infused, Valid).Outcomes);

        Assert.Equal(new Toxicity(ToxicityKind.Crs, 2, D(2025, 6, 9)), outcome.Detail);
    }

    [Fact]
    public void Every_broken_rule_of_a_toxicity_is_reported_at_once_in_field_order()
    {
        Assert.Equal(["occurred_on", "toxicity.kind", "toxicity.grade", "toxicity.resolved_on"],
            Violations(new Draft(null, new ToxicityReport(null, 9, new DateParts(2025, 2, 30)))).Select(v => v.Field));
    }

    [Fact]
    public void A_resolution_before_the_onset_and_in_the_future_is_reported_once_as_in_the_future()
    {
        var draft = new Draft(DateParts.Of(Today.AddDays(2)), new ToxicityReport(ToxicityKind.Crs, 1, DateParts.Of(Today.AddDays(1))));

        Assert.Equal([new FieldViolation("occurred_on", Future), new FieldViolation("toxicity.resolved_on", Future)], Violations(draft));
    }

    [Fact]
    public void Bad_fields_are_reported_before_the_record_is_looked_at()
    {
        // Nothing infused, and frozen: still the field comes first.
        var frozen = Enrolled().ChangeConsent(Withdrawn, Now);

        Assert.Throws<InvalidArgumentException>(() => Record(frozen, Valid with { Report = new ToxicityReport(ToxicityKind.Crs, 5, null) }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Toxicity_grades_0_to_4_pass(int grade)
    {
        var outcome = Assert.Single(Record(Infused, new Draft(new DateParts(2025, 6, 4), new ToxicityReport(ToxicityKind.Icans, grade, null))).Outcomes);

        Assert.Equal(new Toxicity(ToxicityKind.Icans, grade, null), outcome.Detail);
    }

    [Fact]
    public void A_toxicity_may_resolve_on_its_first_day()
    {
        var outcome = Assert.Single(Record(Infused, new Draft(new DateParts(2025, 6, 4), new ToxicityReport(ToxicityKind.Crs, 3, new DateParts(2025, 6, 4)))).Outcomes);

        Assert.Equal(D(2025, 6, 4), ((Toxicity)outcome.Detail).ResolvedOn);
    }

    [Fact]
    public void A_toxicity_may_start_and_resolve_today()
    {
        var today = DateParts.Of(Today);

        var outcome = Assert.Single(Record(Infused, new Draft(today, new ToxicityReport(ToxicityKind.Crs, 3, today))).Outcomes);

        Assert.Equal(new Toxicity(ToxicityKind.Crs, 3, Today), outcome.Detail);
        Assert.Equal(Today, outcome.OccurredOn);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_unresolved_toxicity_has_no_resolution_day(bool allZero)
    {
        var report = new ToxicityReport(ToxicityKind.Crs, 2, allZero ? new DateParts(0, 0, 0) : null);

        var outcome = Assert.Single(Record(Infused, Valid with { Report = report }).Outcomes);

        Assert.Null(((Toxicity)outcome.Detail).ResolvedOn);
    }

    [Theory]
    [InlineData(Day28Response.Cr, true)]
    [InlineData(Day28Response.Cri, true)]
    [InlineData(Day28Response.Cr, false)]
    [InlineData(Day28Response.Cri, false)]
    [InlineData(Day28Response.NoResponse, false)]
    public void MRD_negativity_passes_with_a_complete_remission_only(Day28Response response, bool mrdNegative)
    {
        var outcome = Assert.Single(Record(Infused, new Draft(new DateParts(2025, 6, 30), new ResponseReport(response, mrdNegative))).Outcomes);

        Assert.Equal(new ResponseAssessment(response, mrdNegative), outcome.Detail);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("  infection \n", "infection")]
    public void The_cause_of_death_is_optional_and_trimmed(string? cause, string stored)
    {
        var outcome = Assert.Single(Record(Infused, new Draft(new DateParts(2025, 8, 20), new DeathReport(cause))).Outcomes);

        Assert.Equal(new Death(stored), outcome.Detail);
    }

    [Fact]
    public void A_cause_of_death_of_200_characters_passes_even_padded()
    {
        var cause = new string('c', 200);

        var outcome = Assert.Single(Record(Infused, new Draft(new DateParts(2025, 8, 20), new DeathReport("  " + cause + "  "))).Outcomes);

        Assert.Equal(new Death(cause), outcome.Detail);
    }

    [Fact]
    public void An_outcome_today_passes()
    {
        Assert.Equal(Today, Assert.Single(Record(Infused, new Draft(DateParts.Of(Today), FollowUp)).Outcomes).OccurredOn);
    }

    [Fact]
    public void An_outcome_is_recorded_as_given_by_whom_and_when()
    {
        var record = Infused.RecordOutcome("out-7", new DateParts(2025, 9, 1), new FollowUpReport(DiseaseState.ActiveDisease, false), Astana, Now);

        Assert.Equal(new Outcome("out-7", D(2025, 9, 1), new FollowUpVisit(DiseaseState.ActiveDisease, false), Now, Astana), Assert.Single(record.Outcomes));
        Assert.Equal(Infused with { Outcomes = record.Outcomes }, record);
        Assert.Empty(Infused.Outcomes);
    }

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void Each_kind_is_stored_as_its_own_detail(string kind, OutcomeReport report, OutcomeDetail detail)
    {
        var ready = Infused.With(D(2025, 6, 30), Cr);

        var outcome = ready.With(D(2025, 9, 1), report).Outcomes[^1];

        Assert.Equal(detail, outcome.Detail);
        Assert.NotEmpty(kind);
    }

    public static TheoryData<string, OutcomeReport, OutcomeDetail> EveryKind => new()
    {
        { "toxicity", new ToxicityReport(ToxicityKind.Icans, 3, new DateParts(2025, 9, 5)), new Toxicity(ToxicityKind.Icans, 3, D(2025, 9, 5)) },
        { "relapse", new RelapseReport(Cd19Status.Negative), new Relapse(Cd19Status.Negative) },
        { "transplant", new TransplantReport(Allogeneic: false), new Transplant(Allogeneic: false) },
        { "death", new DeathReport("infection"), new Death("infection") },
        { "follow_up", new FollowUpReport(DiseaseState.InRemission, BCellAplasia: true), new FollowUpVisit(DiseaseState.InRemission, BCellAplasia: true) },
    };

    private static PatientRecord Record(PatientRecord record, Draft d) => record.RecordOutcome("out-1", d.OccurredOn, d.Report, Astana, Now);

    private static IReadOnlyList<FieldViolation> Violations(Draft draft) =>
        Assert.Throws<InvalidArgumentException>(() => Record(Infused, draft)).Violations;
}
