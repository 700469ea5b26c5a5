using System.Net;
using System.Text;
using CarTConsortium.Contracts.Registry.V1;
using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// The registry's done-when, through the gateway with real tokens from the KZ, UZ and
/// consortium providers: a hospital enrols and treats a child, another country cannot see
/// the child, and the consortium statistics come back with intervals and suppression.
/// </summary>
public sealed class RegistryTests(PlatformFixture fixture)
{
    private const string NationalId = "KZ 160512-400 731";

    private RegistryService.RegistryServiceClient As(DemoClient client) => new(fixture.Running.ChannelAs(client));

    [Fact]
    public async Task A_hospital_enrols_and_treats_a_child_that_another_country_sees_only_with_consent()
    {
        var astana = As(DemoClients.KzClinician);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var infused = today.AddDays(-60);

        var enrolled = await astana.EnrolPatientAsync(new EnrolPatientRequest
        {
            NationalId = NationalId,
            TreatingInstitutionId = "kz-astana-childrens",
            BirthYear = 2016,
            BirthMonth = 5,
            Sex = Sex.Male,
            Diagnosis = new Diagnosis { DiseaseStatus = DiseaseStatus.Relapsed, Cd19Status = Cd19Status.Positive, PriorLines = 3 },
            Consents = new Consents { Registry = true },
        });
        var pseudonym = enrolled.Pseudonym;
        await astana.RecordInfusionAsync(new RecordInfusionRequest { Pseudonym = pseudonym, ProductId = "ncb-cd19-academic", DoseMillionCellsPerKg = 1, InfusedOn = Day(infused) });
        await astana.RecordOutcomeAsync(new RecordOutcomeRequest { Pseudonym = pseudonym, OccurredOn = Day(infused.AddDays(3)), Toxicity = new Toxicity { Kind = ToxicityKind.Crs, Grade = 2, ResolvedOn = Day(infused.AddDays(7)) } });
        await astana.RecordOutcomeAsync(new RecordOutcomeRequest { Pseudonym = pseudonym, OccurredOn = Day(infused.AddDays(28)), Response = new ResponseAssessment { Response = Day28Response.Cr, MrdNegative = true } });
        var followed = await astana.RecordOutcomeAsync(new RecordOutcomeRequest { Pseudonym = pseudonym, OccurredOn = Day(infused.AddDays(56)), FollowUp = new FollowUpVisit { DiseaseState = DiseaseState.InRemission, BCellAplasia = true } });

        Assert.Matches("^KZ-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$", pseudonym);
        Assert.DoesNotContain("160512", pseudonym, StringComparison.Ordinal);
        Assert.Equal(5, followed.Revision.Version);
        Assert.Equal(3, followed.Outcomes.Count);
        // The same child enrolled again, however the number is typed, is the same pseudonym: refused.
        var again = await Assert.ThrowsAsync<RpcException>(() => astana.EnrolPatientAsync(new EnrolPatientRequest
        {
            NationalId = "kz1605124OO731".Replace("OO", "00", StringComparison.Ordinal),
            TreatingInstitutionId = "kz-astana-childrens",
            BirthYear = 2016,
            BirthMonth = 5,
            Sex = Sex.Male,
            Diagnosis = new Diagnosis { DiseaseStatus = DiseaseStatus.Relapsed, Cd19Status = Cd19Status.Positive },
            Consents = new Consents { Registry = true },
        }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);

        // Impossible data is refused and changes nothing.
        var beforeInfusion = await Assert.ThrowsAsync<RpcException>(() => astana.RecordOutcomeAsync(new RecordOutcomeRequest
        {
            Pseudonym = pseudonym,
            OccurredOn = Day(infused.AddDays(-1)),
            Transplant = new Transplant { Allogeneic = true },
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, beforeInfusion.StatusCode);
        var grade5 = await Assert.ThrowsAsync<RpcException>(() => astana.RecordOutcomeAsync(new RecordOutcomeRequest
        {
            Pseudonym = pseudonym,
            OccurredOn = Day(infused.AddDays(4)),
            Toxicity = new Toxicity { Kind = ToxicityKind.Icans, Grade = 5 },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, grade5.StatusCode);
        Assert.Equal("toxicity.grade", Assert.Single(grade5.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);

        // Another institution of the same country sees the child; another country does not.
        var almaty = await As(DemoClients.KzOtherClinician).GetPatientAsync(new GetPatientRequest { Pseudonym = pseudonym, Purpose = AccessPurpose.QualityReview, Justification = "regional audit" });
        Assert.Equal(followed.Revision.Version, almaty.Revision.Version);
        var tashkent = As(DemoClients.UzClinician);
        var denied = await Assert.ThrowsAsync<RpcException>(() => tashkent.GetPatientAsync(new GetPatientRequest { Pseudonym = pseudonym, Purpose = AccessPurpose.Treatment }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.DoesNotContain((await tashkent.ListPatientsAsync(new ListPatientsRequest { CountryCode = "KZ", Purpose = AccessPurpose.Research, Page = new() { PageSize = 200 } })).Patients,
            p => p.Pseudonym == pseudonym);

        // Consent to cross-border sharing opens the consortium view; withdrawing it closes it again.
        var shared = await As(DemoClients.KzHospital).ChangeConsentAsync(new ChangeConsentRequest
        {
            Pseudonym = pseudonym,
            Consents = new Consents { Registry = true, CrossBorderSharing = true },
            ExpectedRevision = followed.Revision.Version,
        });
        Assert.Equal(pseudonym, (await tashkent.GetPatientAsync(new GetPatientRequest { Pseudonym = pseudonym, Purpose = AccessPurpose.QualityReview })).Pseudonym);
        // Research is a purpose of its own: without consent to research the record is not read for it.
        var research = await Assert.ThrowsAsync<RpcException>(() => tashkent.GetPatientAsync(new GetPatientRequest { Pseudonym = pseudonym, Purpose = AccessPurpose.Research }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, research.StatusCode);
        await As(DemoClients.KzHospital).ChangeConsentAsync(new ChangeConsentRequest
        {
            Pseudonym = pseudonym,
            Consents = new Consents { Registry = true },
            ExpectedRevision = shared.Revision.Version,
        });
        var withdrawn = await Assert.ThrowsAsync<RpcException>(() => tashkent.GetPatientAsync(new GetPatientRequest { Pseudonym = pseudonym, Purpose = AccessPurpose.QualityReview }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, withdrawn.StatusCode);

        // Every read is in the access log, with who and why; the refused ones read nothing.
        var log = await astana.ListAccessLogAsync(new ListAccessLogRequest { Pseudonym = pseudonym });
        Assert.Equal(["test-kz-almaty-emr", "uz-ncmc-tashkent-emr"], log.Entries.Select(e => e.ClientId));
        Assert.Equal(("kz-almaty-oncology", "KZ", AccessPurpose.QualityReview, "regional audit"),
            (log.Entries[0].InstitutionId, log.Entries[0].CountryCode, log.Entries[0].Purpose, log.Entries[0].Justification));
        Assert.All(log.Entries, e => Assert.Equal("GetPatient", e.Rpc));

        // The national identifier is in no file of the registry, where the pseudonym is (the control: the files are read).
        var files = Directory.GetFiles(fixture.Running.Options.DataFolder, "registry.db*");
        var contents = await Task.WhenAll(files.Select(ReadSharedAsync));
        Assert.Contains(contents, bytes => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(pseudonym)) >= 0);
        foreach (var bytes in contents)
        {
            foreach (var form in new[] { "160512400731", "KZ1605124OO731".Replace("OO", "00", StringComparison.Ordinal), NationalId })
            {
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(form)));
            }
        }
    }

    [Fact]
    public async Task Consortium_statistics_come_back_with_intervals_suppression_and_the_benchmark_over_REST()
    {
        using var http = await fixture.Running.HttpAsAsync(DemoClients.KzProcurement);

        using var response = await http.GetAsync(new Uri(
            "v1/registry/statistics?groupBy=STATISTICS_DIMENSION_COUNTRY&groupBy=STATISTICS_DIMENSION_PRODUCT&groupBy=STATISTICS_DIMENSION_YEAR", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        var statistics = Statistics.Parser.ParseJson(json);

        Assert.Equal(5, statistics.MinimumCellSize);
        Assert.Contains(statistics.Cells, c => c.Suppressed);
        Assert.All(statistics.Cells.Where(c => c.Suppressed), c => Assert.Equal(new StatisticsCell { CountryCode = c.CountryCode, ProductId = c.ProductId, Year = c.Year, Suppressed = true }, c));
        Assert.All(statistics.Cells.Where(c => !c.Suppressed), c => Assert.True(c.PatientsInfused >= 5, $"{c} is shown"));
        // In the JSON a suppressed cell names its group and says suppressed: no figure field at all, not even a zero.
        using (var document = System.Text.Json.JsonDocument.Parse(json))
        {
            var hidden = document.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("suppressed").GetBoolean()).ToList();
            Assert.NotEmpty(hidden);
            Assert.All(hidden, cell => Assert.All(cell.EnumerateObject(), field => Assert.True(
                field.Name is "countryCode" or "productId" or "year" or "suppressed"
                || (field.Value.ValueKind == System.Text.Json.JsonValueKind.Array && field.Value.GetArrayLength() == 0),
                $"a suppressed cell carries {field.Name}: {field.Value}")));
            Assert.All(document.RootElement.GetProperty("cells").EnumerateArray().Where(c => !c.GetProperty("suppressed").GetBoolean()),
                cell => Assert.True(cell.TryGetProperty("patientsInfused", out _), $"a shown cell has its count: {cell}"));
        }
        Assert.All(statistics.Cells.Where(c => !c.Suppressed)
            .SelectMany(c => new[] { c.CompleteRemission, c.MrdNegativeRemission, c.CrsGrade3OrMore, c.IcansGrade3OrMore, c.OverallSurvival1Y, c.EventFreeSurvival1Y })
            .OfType<Estimate>(), e => Assert.True(e.Denominator >= 5, $"{e} rests on fewer than 5 patients"));
        var total = statistics.Total;
        // From the demo's first release: the total is over the admitted (shown) finest cells only, never the hidden ones.
        Assert.False(string.IsNullOrEmpty(statistics.ReleaseId));
        Assert.Equal(statistics.Cells.Where(c => !c.Suppressed).Sum(c => c.PatientsInfused), total.PatientsInfused);
        Assert.True(total.PatientsInfused >= 20, $"{total.PatientsInfused} demo patients infused in admitted cells");
        foreach (var estimate in new[] { total.CompleteRemission, total.MrdNegativeRemission, total.CrsGrade3OrMore, total.IcansGrade3OrMore, total.OverallSurvival1Y, total.EventFreeSurvival1Y })
        {
            Assert.InRange(estimate.Value, estimate.Lower, estimate.Upper);
            Assert.True(estimate.Lower < estimate.Upper, $"{estimate} has an interval");
        }
        var benchmark = Assert.Single(statistics.Benchmarks);
        Assert.Equal((255, 0.855, 0.77), (benchmark.Patients, benchmark.CompleteRemission, benchmark.OverallSurvival1Y));
        // The demo cohort is drawn to sit near the benchmark, with a small cohort's spread.
        Assert.InRange(total.CompleteRemission.Value, 0.7, 0.97);
        Assert.InRange(total.OverallSurvival1Y.Value, 0.6, 0.92);

        using var bad = await http.GetAsync(new Uri("v1/registry/statistics?countryCode=kazakhstan&year=1999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync();
        Assert.Contains("country_code", body, StringComparison.Ordinal);
        Assert.Contains("year", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Four_patients_of_a_small_country_enrolled_between_two_releases_change_no_published_figure()
    {
        var admin = As(DemoClients.Admin);
        var first = await PublishAsync(admin);
        var astana = As(DemoClients.KzClinician);
        // Kyrgyz children treated in Astana, infused in a year no demo patient was: a cell of their own, and the KG margin.
        for (var i = 1; i <= 4; i++)
        {
            var enrolled = await astana.EnrolPatientAsync(new EnrolPatientRequest
            {
                NationalId = $"Diff-5512 0043 778{i}",
                CountryCode = "KG",
                TreatingInstitutionId = "kz-astana-childrens",
                BirthYear = 2015,
                BirthMonth = i,
                Sex = Sex.Female,
                Diagnosis = new Diagnosis { DiseaseStatus = DiseaseStatus.Relapsed, Cd19Status = Cd19Status.Positive, PriorLines = 2 },
                Consents = new Consents { Registry = true },
            });
            var infused = new DateOnly(2021, 3, i);
            await astana.RecordInfusionAsync(new RecordInfusionRequest { Pseudonym = enrolled.Pseudonym, ProductId = "ncb-cd19-academic", DoseMillionCellsPerKg = 1, InfusedOn = Day(infused) });
            await astana.RecordOutcomeAsync(new RecordOutcomeRequest { Pseudonym = enrolled.Pseudonym, OccurredOn = Day(infused.AddDays(28)), Response = new ResponseAssessment { Response = Day28Response.Cr, MrdNegative = true } });
        }
        var second = await PublishAsync(admin);
        var reader = As(DemoClients.KzProcurement);

        Assert.NotEqual(first.ReleaseId, second.ReleaseId);
        StatisticsDimension[][] groupings = [[], [StatisticsDimension.Country], [StatisticsDimension.Product], [StatisticsDimension.Year],
            [StatisticsDimension.Country, StatisticsDimension.Product], [StatisticsDimension.Country, StatisticsDimension.Year],
            [StatisticsDimension.Product, StatisticsDimension.Year], [StatisticsDimension.Country, StatisticsDimension.Product, StatisticsDimension.Year]];
        foreach (var groupBy in groupings)
        {
            var before = await reader.GetStatisticsAsync(new GetStatisticsRequest { GroupBy = { groupBy }, ReleaseId = first.ReleaseId });
            var after = await reader.GetStatisticsAsync(new GetStatisticsRequest { GroupBy = { groupBy }, ReleaseId = second.ReleaseId });

            Assert.Equal((first.ReleaseId, first.CutAt), (before.ReleaseId, before.CutAt));
            Assert.Equal((second.ReleaseId, second.CutAt), (after.ReleaseId, after.CutAt));
            Assert.Equal(before.Total, after.Total);
            foreach (var cell in after.Cells)
            {
                var earlier = before.Cells.SingleOrDefault(c => (c.CountryCode, c.ProductId, c.Year) == (cell.CountryCode, cell.ProductId, cell.Year));
                // Every cell of the first release is published the same; a cell new in the second is hidden, with no figure.
                Assert.Equal(earlier ?? new StatisticsCell { CountryCode = cell.CountryCode, ProductId = cell.ProductId, Year = cell.Year, Suppressed = true }, cell);
            }
            Assert.All(before.Cells, cell => Assert.Contains(cell, after.Cells));
        }
    }

    [Fact]
    public async Task Each_shown_cell_carries_its_survival_curves_over_gRPC_and_a_hidden_cell_none()
    {
        var statistics = await As(DemoClients.KzProcurement).GetStatisticsAsync(new GetStatisticsRequest { GroupBy = { StatisticsDimension.Country } });

        Assert.Contains(statistics.Cells, c => !c.Suppressed);
        foreach (var cell in statistics.Cells.Append(statistics.Total))
        {
            if (cell.Suppressed)
            {
                // No figure on the wire: the count is absent (not 0), and so is every estimate.
                Assert.False(cell.HasPatientsInfused, $"{cell} carries a patient count");
                Assert.All(new[] { cell.CompleteRemission, cell.MrdNegativeRemission, cell.CrsGrade3OrMore, cell.IcansGrade3OrMore, cell.OverallSurvival1Y, cell.EventFreeSurvival1Y }, Assert.Null);
                Assert.Empty(cell.OverallSurvivalCurve);
                Assert.Empty(cell.EventFreeSurvivalCurve);
                continue;
            }
            foreach (var curve in new[] { cell.OverallSurvivalCurve, cell.EventFreeSurvivalCurve })
            {
                Assert.Equal(new SurvivalPoint { Day = 0, Survival = 1, Lower = 1, Upper = 1, AtRisk = cell.PatientsInfused }, curve[0]);
                Assert.All(curve, p => Assert.True(p.AtRisk >= statistics.MinimumCellSize, $"{p} rests on fewer than {statistics.MinimumCellSize} patients"));
                Assert.All(curve, p => Assert.InRange(p.Survival, p.Lower, p.Upper));
                Assert.All(curve.Zip(curve.Skip(1)), pair =>
                {
                    Assert.True(pair.First.Day <= pair.Second.Day && pair.Second.Survival <= pair.First.Survival, $"{pair.Second} after {pair.First}");
                    Assert.True(pair.Second.AtRisk <= pair.First.AtRisk, $"{pair.Second} after {pair.First}");
                });
            }
            // The one-year estimate is the curve's value on day 365, when the curve reaches that far.
            if (cell.OverallSurvival1Y is { } os && cell.OverallSurvivalCurve.LastOrDefault(p => p.Day <= 365) is { } atYear && cell.OverallSurvivalCurve[^1].Day >= 365)
            {
                Assert.Equal(os.Value, atYear.Survival, 1e-9);
            }
        }
        Assert.True(statistics.Total.OverallSurvivalCurve.Count > 1, "the demo consortium has deaths and censorings to draw");

        // The finest breakdown has hidden cells: over gRPC each one is its group and the flag, field for field.
        var finest = await As(DemoClients.KzProcurement).GetStatisticsAsync(new GetStatisticsRequest
        {
            GroupBy = { StatisticsDimension.Country, StatisticsDimension.Product, StatisticsDimension.Year },
        });
        var hidden = finest.Cells.Where(c => c.Suppressed).ToList();
        Assert.NotEmpty(hidden);
        Assert.All(hidden, c => Assert.False(c.HasPatientsInfused, $"{c} carries a patient count"));
        Assert.All(hidden, c => Assert.Equal(new StatisticsCell { CountryCode = c.CountryCode, ProductId = c.ProductId, Year = c.Year, Suppressed = true }, c));
    }

    [Fact]
    public async Task Members_are_read_by_every_role_and_changed_by_admins_only()
    {
        var site = As(DemoClients.UzSite);
        var institutions = await site.ListInstitutionsAsync(new ListInstitutionsRequest { Kind = InstitutionKind.ManufacturingSite });
        var agreements = await site.ListAgreementsAsync(new ListAgreementsRequest { CountryCode = "KG" });

        Assert.Equal(["kg-bishkek-cell-lab", "kz-ncb-astana", "uz-tashkent-cell-lab"], institutions.Institutions.Select(i => i.InstitutionId));
        Assert.Equal(["KG-KZ", "KG-UZ"], agreements.Agreements.Select(a => a.AgreementId));
        Assert.Equal("kz-astana-childrens", (await site.GetInstitutionAsync(new GetInstitutionRequest { InstitutionId = "kg-jalal-abad-regional" })).HubInstitutionId);
        var refused = await Assert.ThrowsAsync<RpcException>(() => site.AdmitCountryAsync(new AdmitCountryRequest { CountryCode = "TJ", Name = "Tajikistan", Membership = Membership.Member }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var bad = await Assert.ThrowsAsync<RpcException>(() => As(DemoClients.Admin).SignAgreementAsync(new SignAgreementRequest { CountryCodes = { "KZ" }, ShipmentLeadDays = 3 }).ResponseAsync);
        Assert.Equal(["country_codes", "cross_border_care", "shipment_lead_days", "effective_from"],
            bad.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    // One release per second (its id is the cut's second): a cut refused for following another within it is made a second later.
    private static async Task<StatisticsRelease> PublishAsync(RegistryService.RegistryServiceClient admin)
    {
        try
        {
            return await admin.PublishStatisticsReleaseAsync(new PublishStatisticsReleaseRequest());
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.1));
            return await admin.PublishStatisticsReleaseAsync(new PublishStatisticsReleaseRequest());
        }
    }

    private static Google.Type.Date Day(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
