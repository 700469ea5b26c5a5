using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.UseCases.Statistics;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>GetStatistics: what a record becomes as a case, which records count, and the request's checks.</summary>
public sealed class StatisticsUseCaseTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Recorded = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_response_to_a_re_infusion_is_not_counted_as_the_first_infusions()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-4000-0001");
        await _world.InfuseAsync(AstanaClinician, enrolled.Id, D(2025, 5, 1));
        await _world.InfuseAsync(AstanaClinician, enrolled.Id, D(2025, 6, 10));
        var record = await _world.OutcomeAsync(AstanaClinician, enrolled.Id, D(2025, 7, 8), new ResponseReport(Day28Response.Cr, MrdNegative: true));

        var summary = CaseSummaries.Of(record.Value)!;

        Assert.Equal(D(2025, 5, 1), summary.FirstInfusion);
        Assert.Null(summary.Response);
        Assert.Null(summary.ResponseAssessedOn);
        Assert.False(summary.MrdNegative);
        Assert.Equal(D(2025, 7, 8), summary.LastContact);
    }

    [Fact]
    public void A_case_takes_the_first_infusion_the_first_response_after_it_the_worst_grades_the_first_relapse_and_the_death()
    {
        var record = Record(
            [Infusion("inf-2", "pcar-19b", D(2025, 3, 1)), Infusion("inf-1", Kymriah, D(2025, 1, 10))],
            Outcome(D(2025, 1, 12), new Toxicity(ToxicityKind.Crs, 2, D(2025, 1, 20))),
            Outcome(D(2025, 1, 15), new Toxicity(ToxicityKind.Icans, 1, null)),
            Outcome(D(2025, 2, 7), new ResponseAssessment(Day28Response.Cr, MrdNegative: true)),
            Outcome(D(2025, 3, 3), new Toxicity(ToxicityKind.Crs, 3, D(2025, 3, 10))),
            Outcome(D(2025, 3, 4), new Toxicity(ToxicityKind.Crs, 1, null)),
            Outcome(D(2025, 3, 29), new ResponseAssessment(Day28Response.NoResponse, MrdNegative: false)),
            Outcome(D(2025, 6, 1), new Relapse(Cd19Status.Negative)),
            Outcome(D(2025, 8, 1), new FollowUpVisit(DiseaseState.ActiveDisease, false)),
            Outcome(D(2025, 9, 1), new Relapse(Cd19Status.Positive)),
            Outcome(D(2025, 10, 1), new Death("disease progression")));

        var summary = CaseSummaries.Of(record);

        Assert.Equal(new CaseSummary("KZ", Kymriah, D(2025, 1, 10), ResponseAtDay28.CompleteRemission, D(2025, 2, 7), MrdNegative: true,
            MaxCrsGrade: 3, MaxIcansGrade: 1, RelapsedOn: D(2025, 6, 1), DiedOn: D(2025, 10, 1), LastContact: D(2025, 10, 1)), summary);
    }

    [Fact]
    public void The_last_contact_counts_the_day_a_toxicity_resolved()
    {
        var record = Record(
            [Infusion("inf-1", Academic, D(2025, 1, 10))],
            Outcome(D(2025, 1, 12), new Toxicity(ToxicityKind.Icans, 4, D(2025, 2, 20))),
            Outcome(D(2025, 2, 7), new FollowUpVisit(DiseaseState.InRemission, true)));

        var summary = CaseSummaries.Of(record);

        Assert.Equal(new CaseSummary("KZ", Academic, D(2025, 1, 10), null, null, MrdNegative: false,
            MaxCrsGrade: 0, MaxIcansGrade: 4, RelapsedOn: null, DiedOn: null, LastContact: D(2025, 2, 20)), summary);
    }

    [Fact]
    public void A_response_before_the_first_infusion_is_not_its_response_and_CRi_is_a_remission_with_incomplete_recovery()
    {
        var record = Record(
            [Infusion("inf-1", Academic, D(2025, 1, 10))],
            Outcome(D(2024, 12, 1), new ResponseAssessment(Day28Response.NoResponse, false)),
            Outcome(D(2025, 2, 7), new ResponseAssessment(Day28Response.Cri, MrdNegative: false)));

        var summary = CaseSummaries.Of(record)!;

        Assert.Equal(ResponseAtDay28.CompleteRemissionIncompleteRecovery, summary.Response);
        Assert.Equal(D(2025, 2, 7), summary.ResponseAssessedOn);
        Assert.False(summary.MrdNegative);
        Assert.Equal(D(2025, 2, 7), summary.LastContact);
    }

    [Fact]
    public void A_patient_not_infused_is_no_case()
    {
        var record = Record([], Outcome(D(2025, 2, 7), new FollowUpVisit(DiseaseState.ActiveDisease, false)));

        Assert.Null(CaseSummaries.Of(record));
    }

    [Fact]
    public async Task The_statistics_count_the_infused_patients_with_registry_consent_only()
    {
        for (var i = 1; i <= 8; i++)
        {
            var enrolled = await _world.EnrolAsync(i % 2 == 0 ? AstanaClinician : AlmatyClinician, $"KZ-1000-{i:D4}");
            if (i <= 6)
            {
                await _world.InfuseAsync(i % 2 == 0 ? AstanaClinician : AlmatyClinician, enrolled.Id, D(2025, 5, i));
            }
        }

        var release = await _world.PublishStatisticsRelease.ExecuteAsync(None);
        var (slice, computedAt, _, releaseId, cutAt) = await _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([], null, null, 0), None);

        Assert.Equal(6, slice.Total.Measures!.PatientsInfused);
        Assert.Equal(Start, computedAt);
        Assert.Equal((release.ReleaseId, Start), (releaseId, cutAt));
        Assert.Equal(CellKey.All, slice.Total.Key);
    }

    [Fact]
    public async Task With_no_release_yet_the_statistics_refuse_naming_the_rule_and_never_answer_live()
    {
        for (var i = 1; i <= 6; i++)
        {
            var enrolled = await _world.EnrolAsync(AstanaClinician, $"KZ-1100-{i:D4}");
            await _world.InfuseAsync(AstanaClinician, enrolled.Id, D(2025, 5, i));
        }

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([], null, null, 0), None));

        Assert.Equal("No statistics release has been published yet; a consortium admin publishes one with PublishStatisticsRelease, and the job does monthly.", refused.Message);
    }

    [Fact]
    public async Task The_latest_release_answers_by_default_a_named_one_on_request_and_an_unknown_id_is_not_found()
    {
        for (var i = 1; i <= 5; i++)
        {
            var enrolled = await _world.EnrolAsync(AstanaClinician, $"KZ-1200-{i:D4}");
            await _world.InfuseAsync(AstanaClinician, enrolled.Id, D(2025, 5, i));
        }
        var first = await _world.PublishStatisticsRelease.ExecuteAsync(None);
        for (var i = 6; i <= 10; i++)
        {
            var enrolled = await _world.EnrolAsync(AstanaClinician, $"KZ-1200-{i:D4}");
            await _world.InfuseAsync(AstanaClinician, enrolled.Id, D(2025, 5, i));
        }
        _world.Clock.Advance(TimeSpan.FromDays(31));
        var second = await _world.PublishStatisticsRelease.ExecuteAsync(None);
        // Enrolled after the last cut: in no answer until the next release.
        var late = await _world.EnrolAsync(AstanaClinician, "KZ-1200-0011");
        await _world.InfuseAsync(AstanaClinician, late.Id, D(2025, 5, 11));

        var latest = await _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([], null, null, 0), None);
        var named = await _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([], null, null, 0, first.ReleaseId), None);

        Assert.Equal((second.ReleaseId, second.CutAt, 10), (latest.ReleaseId, latest.CutAt, latest.Slice.Total.Measures!.PatientsInfused));
        Assert.Equal((first.ReleaseId, first.CutAt, 5), (named.ReleaseId, named.CutAt, named.Slice.Total.Measures!.PatientsInfused));
        await Assert.ThrowsAsync<NotFoundException>(() => _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([], null, null, 0, "2020-01-01T000000Z"), None));
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([], null, null, 0, new string('x', 33)), None));
        Assert.Equal("release_id", Assert.Single(invalid.Violations).Field);
    }

    [Theory]
    [InlineData("kz", null, 0, "country_code")]
    [InlineData("KAZ", null, 0, "country_code")]
    [InlineData(null, "Bad_Product", 0, "product_id")]
    [InlineData(null, "x", 0, "product_id")]
    [InlineData(null, null, 1999, "year")]
    [InlineData(null, null, 2101, "year")]
    [InlineData(null, null, -1, "year")]
    public async Task A_bad_filter_is_invalid_and_names_its_field(string? country, string? product, int year, string field)
    {
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([Dimension.Country], country, product, year), None));

        Assert.Equal(field, Assert.Single(invalid.Violations).Field);
    }

    [Fact]
    public async Task An_unspecified_dimension_is_invalid_and_named_by_its_position()
    {
        var first = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([null], null, null, 0), None));
        var second = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([Dimension.Year, null], null, null, 0), None));
        var all = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([null, Dimension.Product], "kz", "Bad_Product", 1999), None));

        Assert.Equal("group_by[0]", Assert.Single(first.Violations).Field);
        Assert.Equal("group_by[1]", Assert.Single(second.Violations).Field);
        Assert.Equal(["group_by[0]", "country_code", "product_id", "year"], all.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task Empty_filters_and_year_zero_mean_every_value()
    {
        await _world.PublishStatisticsRelease.ExecuteAsync(None);
        var (slice, _, _, _, _) = await _world.GetStatistics.ExecuteAsync(new GetStatisticsCommand([Dimension.Country, Dimension.Product, Dimension.Year], "", "", 0), None);

        Assert.Empty(slice.Cells);
        Assert.Equal(0, slice.Total.Measures!.PatientsInfused);
    }

    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    private static Infusion Infusion(string id, string product, DateOnly on) => new(id, product, 1.5, on, null, Recorded);

    private static Outcome Outcome(DateOnly on, OutcomeDetail detail) => new(Guid.NewGuid().ToString(), on, detail, Recorded, Astana);

    /// <summary>A record made by hand, past the rules of <see cref="PatientRecord"/>.</summary>
    private static PatientRecord Record(IReadOnlyList<Infusion> infusions, params Outcome[] outcomes) =>
        new("KZ-7F3K-9Q2M-4N5P-R8TV", "KZ", Astana, 2016, 5, Sex.Female, new Diagnosis(DiseaseStatus.Relapsed, Cd19Status.Positive, 2),
            RegistryOnly, infusions, [.. outcomes.OrderBy(o => o.OccurredOn)], Recorded, Recorded);
}
