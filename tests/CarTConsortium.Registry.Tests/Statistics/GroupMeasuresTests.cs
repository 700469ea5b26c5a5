using CarTConsortium.Registry.Domain.Statistics;
using Xunit;

namespace CarTConsortium.Registry.Tests.Statistics;

public sealed class GroupMeasuresTests
{
    private const double Tolerance = 1e-6;

    private static readonly DateOnly Infused = new(2024, 3, 1);

    /// <summary>Alive, unassessed, no toxicity, last seen on day 500.</summary>
    private static readonly CaseSummary Patient = new(
        "KZ", "nexcar19", Infused, null, null, false, 0, 0, null, null, Day(500));

    private static DateOnly Day(int days) => Infused.AddDays(days);

    private static CaseSummary Responded(ResponseAtDay28 response, int onDay = 28) =>
        Patient with { Response = response, ResponseAssessedOn = Day(onDay) };

    // Each case: the patient, then (days, event) for overall survival and for event-free survival.
    private static readonly Dictionary<string, (CaseSummary Case, (double, bool) Os, (double, bool) Efs)> EndpointCases = new()
    {
        ["alive in remission: censored at last contact in both"] =
            (Responded(ResponseAtDay28.CompleteRemission), (500, false), (500, false)),
        ["CRi is a response, not an event"] =
            (Responded(ResponseAtDay28.CompleteRemissionIncompleteRecovery), (500, false), (500, false)),
        ["never assessed and alive: censored"] =
            (Patient, (500, false), (500, false)),
        ["no response: an EFS event on the day it was assessed"] =
            (Responded(ResponseAtDay28.NoResponse, onDay: 31), (500, false), (31, true)),
        ["no response without a date: an EFS event on day 28"] =
            (Patient with { Response = ResponseAtDay28.NoResponse }, (500, false), (28, true)),
        ["relapse: an EFS event, OS goes on"] =
            (Responded(ResponseAtDay28.CompleteRemission) with { RelapsedOn = Day(200) }, (500, false), (200, true)),
        ["death in remission: an event in both"] =
            (Responded(ResponseAtDay28.CompleteRemission) with { DiedOn = Day(300), LastContact = Day(300) }, (300, true), (300, true)),
        ["relapse then death: EFS at the relapse, OS at the death"] =
            (Responded(ResponseAtDay28.CompleteRemission) with { RelapsedOn = Day(200), DiedOn = Day(300), LastContact = Day(300) }, (300, true), (200, true)),
        ["no response then death: EFS at the assessment"] =
            (Responded(ResponseAtDay28.NoResponse) with { DiedOn = Day(90), LastContact = Day(90) }, (90, true), (28, true)),
        ["death before the assessment"] =
            (Patient with { DiedOn = Day(10), LastContact = Day(10) }, (10, true), (10, true)),
        ["death reported after the last contact counts at the death"] =
            (Responded(ResponseAtDay28.CompleteRemission) with { DiedOn = Day(600) }, (600, true), (600, true)),
        ["an assessment date with a remission is not an event"] =
            (Responded(ResponseAtDay28.CompleteRemission, onDay: 35) with { LastContact = Day(40) }, (40, false), (40, false)),
    };

    public static TheoryData<string> EndpointCaseNames => new(EndpointCases.Keys);

    [Theory]
    [MemberData(nameof(EndpointCaseNames))]
    public void Survival_endpoints_follow_their_event_definitions(string name)
    {
        var (patient, os, efs) = EndpointCases[name];

        Assert.Equal(os, SurvivalEndpoints.OverallSurvival(patient));
        Assert.Equal(efs, SurvivalEndpoints.EventFreeSurvival(patient));
    }

    [Fact]
    public void Complete_remission_counts_CR_and_CRi_over_the_patients_assessed_only()
    {
        CaseSummary[] group =
        [
            Responded(ResponseAtDay28.CompleteRemission),
            Responded(ResponseAtDay28.CompleteRemissionIncompleteRecovery),
            Responded(ResponseAtDay28.NoResponse),
            Patient,
            Patient,
        ];

        var measures = GroupMeasures.Of(group);

        Assert.Equal(5, measures.PatientsInfused);
        Assert.Equal(Proportion.Wilson(2, 3), measures.CompleteRemission);
    }

    [Fact]
    public void MRD_negativity_counts_only_within_a_remission()
    {
        CaseSummary[] group =
        [
            Responded(ResponseAtDay28.CompleteRemission) with { MrdNegative = true },
            Responded(ResponseAtDay28.CompleteRemissionIncompleteRecovery) with { MrdNegative = true },
            Responded(ResponseAtDay28.CompleteRemission) with { MrdNegative = false },
            Responded(ResponseAtDay28.NoResponse) with { MrdNegative = true },
            Patient with { MrdNegative = true },
        ];

        Assert.Equal(Proportion.Wilson(2, 4), GroupMeasures.Of(group).MrdNegativeRemission);
    }

    [Fact]
    public void Without_an_assessed_patient_there_are_no_remission_rates()
    {
        var measures = GroupMeasures.Of([Patient, Patient with { MaxCrsGrade = 3 }]);

        Assert.Null(measures.CompleteRemission);
        Assert.Null(measures.MrdNegativeRemission);
        Assert.Equal(Proportion.Wilson(1, 2), measures.CrsGrade3OrMore);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    public void Grade_3_or_more_is_severe_for_CRS_and_ICANS_alike(int grade, bool severe)
    {
        var crs = GroupMeasures.Of([Patient with { MaxCrsGrade = grade }]);
        var icans = GroupMeasures.Of([Patient with { MaxIcansGrade = grade }]);

        Assert.Equal(severe ? 1 : 0, crs.CrsGrade3OrMore!.Value);
        Assert.Equal(0, crs.IcansGrade3OrMore!.Value);
        Assert.Equal(severe ? 1 : 0, icans.IcansGrade3OrMore!.Value);
        Assert.Equal(0, icans.CrsGrade3OrMore!.Value);
    }

    [Fact]
    public void Toxicity_rates_are_over_every_patient_infused()
    {
        CaseSummary[] group =
        [
            Patient with { MaxCrsGrade = 2, MaxIcansGrade = 3 },
            Patient with { MaxCrsGrade = 3 },
            Patient with { MaxCrsGrade = 4, Response = ResponseAtDay28.NoResponse },
            Patient with { MaxCrsGrade = 1 },
            Patient,
        ];

        var measures = GroupMeasures.Of(group);

        Assert.Equal(Proportion.Wilson(2, 5), measures.CrsGrade3OrMore);
        Assert.Equal(Proportion.Wilson(1, 5), measures.IcansGrade3OrMore);
    }

    [Fact]
    public void One_year_survival_is_Kaplan_Meier_at_day_365()
    {
        // Overall survival: one death (day 200) among 5 at risk, everyone else followed past day 365:
        // S = 4/5. Event-free: no response (day 28, 5 at risk), relapse (day 100, 4 at risk), death
        // (day 200, 3 at risk): S = 4/5 * 3/4 * 2/3 = 0.4.
        CaseSummary[] group =
        [
            Responded(ResponseAtDay28.CompleteRemission) with { LastContact = Day(400) },
            Responded(ResponseAtDay28.NoResponse) with { LastContact = Day(400) },
            Responded(ResponseAtDay28.CompleteRemission) with { RelapsedOn = Day(100), LastContact = Day(400) },
            Responded(ResponseAtDay28.CompleteRemission) with { DiedOn = Day(200), LastContact = Day(200) },
            Responded(ResponseAtDay28.CompleteRemissionIncompleteRecovery) with { LastContact = Day(380) },
        ];

        var measures = GroupMeasures.Of(group);

        Assert.Equal(0.8, measures.OverallSurvival1y!.Value, Tolerance);
        Assert.Equal(0.4, measures.EventFreeSurvival1y!.Value, Tolerance);
        Assert.Equal(5, measures.OverallSurvival1y.Denominator);
        Assert.Equal(5, measures.EventFreeSurvival1y.Denominator);
        Assert.InRange(measures.EventFreeSurvival1y.Lower, 0, 0.4);
        Assert.InRange(measures.EventFreeSurvival1y.Upper, 0.4, 1);
    }

    [Fact]
    public void One_year_survival_is_not_estimable_when_nobody_was_followed_a_year()
    {
        CaseSummary[] group =
        [
            Responded(ResponseAtDay28.CompleteRemission) with { LastContact = Day(364) },
            Responded(ResponseAtDay28.CompleteRemission) with { LastContact = Day(100) },
        ];

        var measures = GroupMeasures.Of(group);

        Assert.Null(measures.OverallSurvival1y);
        Assert.Null(measures.EventFreeSurvival1y);
        Assert.Equal(Proportion.Wilson(2, 2), measures.CompleteRemission);
    }

    [Fact]
    public void A_patient_followed_exactly_a_year_makes_it_estimable()
    {
        var measures = GroupMeasures.Of([Patient with { LastContact = Day(365) }]);

        Assert.Equal(new Estimate(1, 1, 1, 1), measures.OverallSurvival1y);
    }

    [Fact]
    public void No_patients_give_a_count_of_zero_and_no_figures()
    {
        Assert.Equal(GroupMeasures.None, GroupMeasures.Of([]));
        Assert.Equal(new GroupMeasures(0, null, null, null, null, null, null), GroupMeasures.None);
    }
}
