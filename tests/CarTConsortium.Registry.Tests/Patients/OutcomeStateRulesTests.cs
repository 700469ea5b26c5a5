using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

/// <summary>Impossible data: outcomes that contradict what the record holds are refused and change nothing.</summary>
public sealed class OutcomeStateRulesTests
{
    // A girl born 2016-05, infused 2025-06-02.
    private static PatientRecord NotInfused() => Enrolled();

    private static PatientRecord Infused() => Enrolled().Infused(D(2025, 6, 2));

    private static PatientRecord InRemission() => Infused().With(D(2025, 6, 30), Cr);

    private static PatientRecord Dead() => Infused().With(D(2025, 8, 20), Died);

    private static string AfterDeath(string what) => $"The patient's death is recorded on 2025-08-20; {what} cannot be dated after it.";

    // Each case is one record, one outcome it must refuse, and the clinician's message.
    private static readonly Dictionary<string, (Func<PatientRecord> Record, DateOnly On, OutcomeReport Report, string Message)> Cases = new()
    {
        ["toxicity with no infusion"] = (NotInfused, D(2025, 6, 3), Crs2,
            "A CRS needs an infusion on or before its day, and none is recorded."),
        ["toxicity the day before the infusion"] = (Infused, D(2025, 6, 1), new ToxicityReport(ToxicityKind.Icans, 1, null),
            "An ICANS on 2025-06-01 needs an infusion on or before its day; the first is recorded on 2025-06-02."),
        ["response with no infusion"] = (NotInfused, D(2025, 6, 30), Cr,
            "A day-28 response needs an infusion before it, and none is recorded."),
        ["response on the infusion day"] = (Infused, D(2025, 6, 2), Cr,
            "A day-28 response on 2025-06-02 needs an infusion before it; the first is recorded on 2025-06-02."),
        ["relapse on the infusion day"] = (Infused, D(2025, 6, 2), Relapsed,
            "A relapse on 2025-06-02 needs an infusion before it; the first is recorded on 2025-06-02."),
        ["transplant with no infusion"] = (NotInfused, D(2025, 6, 30), Transplanted,
            "A transplant needs an infusion before it, and none is recorded."),
        ["transplant on the infusion day"] = (Infused, D(2025, 6, 2), Transplanted,
            "A transplant on 2025-06-02 needs an infusion before it; the first is recorded on 2025-06-02."),
        ["follow-up with no infusion"] = (NotInfused, D(2025, 6, 30), FollowUp,
            "A follow-up visit needs an infusion before it, and none is recorded."),
        ["follow-up on the infusion day"] = (Infused, D(2025, 6, 2), FollowUp,
            "A follow-up visit on 2025-06-02 needs an infusion before it; the first is recorded on 2025-06-02."),
        ["follow-up the day after death"] = (Dead, D(2025, 8, 21), FollowUp, AfterDeath("a follow-up visit")),
        ["toxicity the day after death"] = (Dead, D(2025, 8, 21), Crs2, AfterDeath("a CRS")),
        ["response the day after death"] = (Dead, D(2025, 8, 21), Cr, AfterDeath("a day-28 response")),
        ["relapse the day after death"] = (Dead, D(2025, 8, 21), Relapsed, AfterDeath("a relapse")),
        ["transplant the day after death"] = (Dead, D(2025, 8, 21), Transplanted, AfterDeath("a transplant")),
        ["toxicity resolving the day after death"] = (Dead, D(2025, 8, 19), new ToxicityReport(ToxicityKind.Crs, 3, new DateParts(2025, 8, 21)),
            "The patient's death is recorded on 2025-08-20; a toxicity cannot resolve after it."),
        ["a second death on the same day"] = (Dead, D(2025, 8, 20), Died, "A death is already recorded on 2025-08-20; a patient dies once."),
        ["a second death earlier"] = (Dead, D(2025, 8, 1), Died, "A death is already recorded on 2025-08-20; a patient dies once."),
        ["death the day before an infusion"] = (Infused, D(2025, 6, 1), Died,
            "The death cannot be dated 2025-06-01: the record already holds an infusion on 2025-06-02."),
        ["death the day before the last visit"] = (() => Infused().With(D(2025, 7, 1), Cr).With(D(2025, 7, 30), FollowUp), D(2025, 7, 29), Died,
            "The death cannot be dated 2025-07-29: the record already holds a follow-up visit on 2025-07-30."),
        ["death before a toxicity resolved"] = (() => Infused().With(D(2025, 6, 3), new ToxicityReport(ToxicityKind.Crs, 2, new DateParts(2025, 6, 10))),
            D(2025, 6, 9), Died, "The death cannot be dated 2025-06-09: the record already holds the resolution of a CRS on 2025-06-10."),
        ["death before the birth month"] = (NotInfused, D(2016, 4, 30), Died, "A death on 2016-04-30 would be before the patient's birth month (2016-05)."),
        ["a second response to one infusion"] = (InRemission, D(2025, 7, 1), NoResponse,
            "The day-28 response to the infusion of 2025-06-02 is already recorded (assessed on 2025-06-30); an infusion has one."),
        ["a second response before the first"] = (InRemission, D(2025, 6, 20), Cri,
            "The day-28 response to the infusion of 2025-06-02 is already recorded (assessed on 2025-06-30); an infusion has one."),
        ["relapse with no response"] = (Infused, D(2025, 9, 1), Relapsed,
            "A relapse on 2025-09-01 needs a complete remission (CR or CRi) recorded before it."),
        ["relapse after no response"] = (() => Infused().With(D(2025, 6, 30), NoResponse), D(2025, 9, 1), Relapsed,
            "A relapse on 2025-09-01 needs a complete remission (CR or CRi) recorded before it."),
        ["relapse on the day of the remission"] = (InRemission, D(2025, 6, 30), Relapsed,
            "A relapse on 2025-06-30 needs a complete remission (CR or CRi) recorded before it."),
        ["a second relapse since the remission"] = (() => InRemission().With(D(2025, 9, 1), Relapsed), D(2025, 10, 1), Relapsed,
            "A relapse is already recorded on 2025-09-01 after the remission of 2025-06-30; another relapse needs a new remission first."),
        ["a relapse recorded late before one already recorded"] = (() => InRemission().With(D(2025, 10, 1), Relapsed), D(2025, 9, 1), Relapsed,
            "A relapse is already recorded on 2025-10-01 after the remission of 2025-06-30; another relapse needs a new remission first."),
    };

    public static TheoryData<string> ImpossibleCases => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(ImpossibleCases))]
    public void Impossible_data_is_refused_with_a_message_for_the_clinician(string name)
    {
        var (arrange, on, report, message) = Cases[name];
        var record = arrange();
        var before = record.Outcomes.ToArray();

        var refused = Refused(() => record.With(on, report));

        Assert.Equal(message, refused.Message);
        Assert.Equal(before, record.Outcomes);
    }

    [Fact]
    public void A_toxicity_on_the_infusion_day_passes()
    {
        Assert.Single(Infused().With(D(2025, 6, 2), Crs2).Outcomes);
    }

    [Fact]
    public void A_toxicity_on_or_after_any_infusion_passes()
    {
        var twice = Infused().Infused(D(2025, 9, 15));

        Assert.Single(twice.With(D(2025, 9, 15), Crs2).Outcomes);
        Assert.Single(twice.With(D(2025, 6, 5), Crs2).Outcomes);
    }

    [Theory]
    [MemberData(nameof(KindsAfterTheInfusion))]
    public void Every_kind_passes_the_day_after_the_infusion(string kind, OutcomeReport report)
    {
        Assert.Single(Infused().With(D(2025, 6, 3), report).Outcomes);
        Assert.NotEmpty(kind);
    }

    public static TheoryData<string, OutcomeReport> KindsAfterTheInfusion => new()
    {
        { "response", Cr },
        { "toxicity", Crs2 },
        { "transplant", Transplanted },
        { "death", Died },
        { "follow_up", FollowUp },
    };

    [Fact]
    public void A_death_needs_no_infusion()
    {
        var outcome = Assert.Single(Enrolled().With(D(2025, 5, 1), Died).Outcomes);

        Assert.IsType<Death>(outcome.Detail);
    }

    [Fact]
    public void A_death_in_the_birth_month_passes()
    {
        Assert.Single(Enrolled().With(D(2016, 5, 1), Died).Outcomes);
    }

    [Fact]
    public void A_death_on_the_day_of_the_last_visit_passes()
    {
        var record = Infused().With(D(2025, 7, 30), FollowUp).With(D(2025, 7, 30), Died);

        Assert.Equal([D(2025, 7, 30), D(2025, 7, 30)], record.Outcomes.Select(o => o.OccurredOn));
        Assert.IsType<Death>(record.Outcomes[^1].Detail);
    }

    [Fact]
    public void A_death_on_the_day_of_an_infusion_passes_and_so_does_an_outcome_on_the_day_of_death()
    {
        var record = Infused().With(D(2025, 6, 2), Died).With(D(2025, 6, 2), new ToxicityReport(ToxicityKind.Crs, 4, new DateParts(2025, 6, 2)));

        Assert.Equal(2, record.Outcomes.Count);
        Assert.NotNull(record.DeathRecorded);
    }

    [Fact]
    public void A_death_on_the_day_a_toxicity_resolved_passes()
    {
        var record = Infused().With(D(2025, 6, 3), new ToxicityReport(ToxicityKind.Crs, 2, new DateParts(2025, 6, 10))).With(D(2025, 6, 10), Died);

        Assert.Equal(D(2025, 6, 10), record.DeathRecorded?.OccurredOn);
    }

    [Fact]
    public void Each_infusion_has_its_own_day_28_response()
    {
        var record = InRemission().With(D(2025, 9, 1), Relapsed).Infused(D(2025, 9, 15)).With(D(2025, 10, 13), NoResponse);

        Assert.Equal(2, record.Outcomes.Count(o => o.Detail is ResponseAssessment));
    }

    [Fact]
    public void A_response_before_the_first_assessment_of_a_later_infusion_belongs_to_the_earlier_one()
    {
        // Responses on 06-30 (infusion 06-02) and 10-13 (infusion 09-15): a third on 07-01 still assesses 06-02.
        var record = InRemission().Infused(D(2025, 9, 15)).With(D(2025, 10, 13), Cr);

        var refused = Refused(() => record.With(D(2025, 7, 1), Cr));

        Assert.Contains("infusion of 2025-06-02", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Day28Response.Cr)]
    [InlineData(Day28Response.Cri)]
    public void A_relapse_the_day_after_a_remission_passes(Day28Response remission)
    {
        var record = Infused().With(D(2025, 6, 30), new ResponseReport(remission, false)).With(D(2025, 7, 1), Relapsed);

        Assert.IsType<Relapse>(record.Outcomes[^1].Detail);
    }

    [Fact]
    public void A_new_remission_allows_a_new_relapse()
    {
        var record = InRemission()
            .With(D(2025, 9, 1), Relapsed)
            .Infused(D(2025, 9, 15))
            .With(D(2025, 10, 13), Cri)
            .With(D(2025, 12, 1), Relapsed);

        Assert.Equal(2, record.Outcomes.Count(o => o.Detail is Relapse));
    }

    [Fact]
    public void Outcomes_are_kept_in_date_order_whatever_order_they_are_recorded_in()
    {
        var record = InRemission()
            .With(D(2025, 12, 1), FollowUp)
            .With(D(2025, 6, 4), Crs2)
            .With(D(2025, 9, 1), Transplanted)
            .With(D(2025, 6, 4), new ToxicityReport(ToxicityKind.Icans, 1, null));

        Assert.Equal(["out-3", "out-5", "out-1", "out-4", "out-2"], record.Outcomes.Select(o => o.OutcomeId));
    }

    [Fact]
    public void A_whole_course_is_recorded()
    {
        var record = Enrolled()
            .Infused(D(2025, 6, 2))
            .With(D(2025, 6, 4), new ToxicityReport(ToxicityKind.Crs, 2, new DateParts(2025, 6, 8)))
            .With(D(2025, 6, 7), new ToxicityReport(ToxicityKind.Icans, 1, new DateParts(2025, 6, 9)))
            .With(D(2025, 6, 30), Cr)
            .With(D(2025, 9, 30), FollowUp)
            .With(D(2025, 11, 3), Relapsed)
            .Infused(D(2025, 12, 1))
            .With(D(2025, 12, 29), Cri)
            .With(D(2026, 2, 10), Transplanted)
            .With(Today, Died);

        Assert.Equal(2, record.Infusions.Count);
        Assert.Equal(8, record.Outcomes.Count);
        Assert.Equal(Today, record.DeathRecorded?.OccurredOn);
    }

    [Theory]
    [MemberData(nameof(KindsAfterTheInfusion))]
    public void A_frozen_record_takes_no_outcome(string kind, OutcomeReport report)
    {
        var frozen = Infused().ChangeConsent(Withdrawn, Now);

        var refused = Refused(() => frozen.With(D(2025, 6, 30), report));

        Assert.Equal("Registry consent for this patient is withdrawn, so the record is frozen: nothing can be added " +
            "until the treating institution records registry consent again.", refused.Message);
        Assert.NotEmpty(kind);
    }

    [Fact]
    public void Frozen_comes_before_every_other_rule()
    {
        var frozenAndDead = Dead().ChangeConsent(Withdrawn, Now);

        Assert.Contains("frozen", Refused(() => frozenAndDead.With(D(2025, 8, 20), Died)).Message, StringComparison.Ordinal);
        Assert.Contains("frozen", Refused(() => frozenAndDead.With(D(2025, 8, 21), FollowUp)).Message, StringComparison.Ordinal);
    }
}
