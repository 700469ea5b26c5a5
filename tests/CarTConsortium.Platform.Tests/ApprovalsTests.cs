using System.Net;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Testing;
using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// Approvals' done-when, through the gateway with real tokens: the admin records an
/// authorisation, moves it through its lifecycle, reads its history and the matrix, and
/// the usage question answers at every boundary; plus the review paper's demo decisions.
/// </summary>
public sealed class ApprovalsTests(PlatformFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private ApprovalsService.ApprovalsServiceClient As(DemoClient client) => new(fixture.Running.ChannelAs(client));

    [Fact]
    public async Task The_admin_moves_an_authorisation_through_its_lifecycle_and_the_usage_question_follows_it_at_every_boundary()
    {
        var admin = As(DemoClients.Admin);
        var kg = await Eventually.SucceedsAsync(() => admin.RecordAuthorisationAsync(new RecordAuthorisationRequest
        {
            ProductId = "ncb-cd19-academic",
            Jurisdiction = "KG",
            Authority = Authority.National,
            Pathway = Pathway.CompassionateUse,
            Scope = new Scope { Indication = "r/r B-ALL", MinAgeYears = 2, MaxAgeYears = 18 },
            Reason = "named-patient programme with the Astana hub",
        }).ResponseAsync);
        var effective = Today.AddDays(-10);
        var expires = Today.AddDays(20);

        kg = await Step(admin, kg, AuthorisationStatus.Submitted, "filed", r => r.SubmittedOn = Day(Today.AddDays(-40)));
        kg = await Step(admin, kg, AuthorisationStatus.UnderReview, "validated");
        var illegal = await Assert.ThrowsAsync<RpcException>(() => Step(admin, kg, AuthorisationStatus.Suspended, "not yet approved"));
        Assert.Equal(StatusCode.FailedPrecondition, illegal.StatusCode);
        var stale = await Assert.ThrowsAsync<RpcException>(() => admin.ChangeStatusAsync(new ChangeStatusRequest
        {
            AuthorisationId = kg.AuthorisationId,
            Status = AuthorisationStatus.Rejected,
            ExpectedRevision = kg.Revision.Version - 1,
            Reason = "old view",
            DecidedOn = Day(Today),
        }).ResponseAsync);
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        kg = await Step(admin, kg, AuthorisationStatus.Approved, "approved", r =>
        {
            r.DecidedOn = Day(effective.AddDays(-1));
            r.EffectiveOn = Day(effective);
            r.ExpiresOn = Day(expires);
        });

        // Every boundary of the question: age, date window, indication, country; then suspension.
        Assert.True(await AllowedAsync(2, "R/R B-ALL", Today));
        Assert.True(await AllowedAsync(18, "r/r B-ALL", effective));
        Assert.True(await AllowedAsync(10, "r/r B-ALL", expires));
        Assert.False(await AllowedAsync(1, "r/r B-ALL", Today));
        Assert.False(await AllowedAsync(19, "r/r B-ALL", Today));
        Assert.False(await AllowedAsync(10, "r/r B-ALL", effective.AddDays(-1)));
        Assert.False(await AllowedAsync(10, "r/r B-ALL", expires.AddDays(1)));
        Assert.False(await AllowedAsync(10, "DLBCL", Today));
        var answer = await Usage(10, "r/r B-ALL", Today);
        Assert.Equal(kg.AuthorisationId, answer.AllowedBy.AuthorisationId);
        var refused = await Usage(19, "r/r B-ALL", expires.AddDays(1));
        Assert.Equal(2, Assert.Single(refused.Candidates).Reasons.Count);
        kg = await Step(admin, kg, AuthorisationStatus.Suspended, "supply interrupted");
        Assert.False(await AllowedAsync(10, "r/r B-ALL", Today));
        kg = await Step(admin, kg, AuthorisationStatus.Approved, "supply restored");
        Assert.True(await AllowedAsync(10, "r/r B-ALL", Today));

        // The history, in order, with who and why; the matrix with the cell usable today.
        var history = await admin.GetAuthorisationHistoryAsync(new GetAuthorisationHistoryRequest { AuthorisationId = kg.AuthorisationId });
        // The refused steps (illegal, stale) left nothing.
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), history.Entries.Select(e => e.Revision));
        Assert.Equal(["named-patient programme with the Astana hub", "filed", "validated", "approved", "supply interrupted", "supply restored"],
            history.Entries.Select(e => e.Reason));
        Assert.Equal(["RECORDED", "STATUS_CHANGED", "STATUS_CHANGED", "STATUS_CHANGED", "STATUS_CHANGED", "STATUS_CHANGED"], history.Entries.Select(e => e.Action));
        Assert.All(history.Entries, e => Assert.Equal("consortium-admin", e.ClientId));
        var matrix = await As(DemoClients.KgHospital).GetMatrixAsync(new GetMatrixRequest { CountryCode = "KG" });
        var cell = Assert.Single(matrix.Cells, c => c.ProductId == "ncb-cd19-academic");
        Assert.True(cell.UsableToday);
        Assert.Equal(AuthorisationStatus.Approved, Assert.Single(cell.Entries).Status);
        var due = await As(DemoClients.KgHospital).ListRenewalsDueAsync(new ListRenewalsDueRequest { WithinDays = 30, Jurisdiction = "KG" });
        Assert.Equal([kg.AuthorisationId], due.Authorisations.Select(a => a.AuthorisationId));

        async Task<UsageAnswer> Usage(int age, string indication, DateOnly date) =>
            await As(DemoClients.KgHospital).CheckUsageAsync(new CheckUsageRequest
            {
                ProductId = "ncb-cd19-academic",
                CountryCode = "KG",
                AgeYears = age,
                Indication = indication,
                InstitutionId = "kg-bishkek-childrens",
                Date = Day(date),
            });

        async Task<bool> AllowedAsync(int age, string indication, DateOnly date) => (await Usage(age, indication, date)).Allowed;
    }

    [Fact]
    public async Task The_review_papers_decisions_are_in_the_demo_and_bad_questions_name_their_field()
    {
        var reader = As(DemoClients.UzClinician);

        var matrix = await Eventually.SucceedsAsync(async () =>
        {
            var m = await reader.GetMatrixAsync(new GetMatrixRequest { ProductId = "tisagenlecleucel" });
            Assert.Contains(m.Cells, c => c.CountryCode == "KZ" && c.UsableToday);
            return m;
        });
        Assert.Contains(matrix.Cells, c => c.CountryCode == "US" && c.Entries.Any(e => e.Status == AuthorisationStatus.Approved));
        Assert.Contains(matrix.Cells, c => c.CountryCode == "UZ" && c.Entries.Any(e => e.Status == AuthorisationStatus.UnderReview));
        var kz = await reader.CheckUsageAsync(new CheckUsageRequest
        {
            ProductId = "tisagenlecleucel",
            CountryCode = "KZ",
            AgeYears = 12,
            Indication = "r/r B-ALL",
            InstitutionId = "kz-astana-childrens",
            Date = Day(Today),
        });
        Assert.True(kz.Allowed, kz.Explanation);
        Assert.Equal(Pathway.Reliance, kz.AllowedBy.Pathway);
        var exemption = await reader.ListRenewalsDueAsync(new ListRenewalsDueRequest { WithinDays = 60, Jurisdiction = "KZ" });
        Assert.Contains(exemption.Authorisations, a => a.Pathway == Pathway.HospitalExemption);

        var bad = await Assert.ThrowsAsync<RpcException>(() => reader.CheckUsageAsync(new CheckUsageRequest
        {
            ProductId = "tisagenlecleucel",
            CountryCode = "kz",
            AgeYears = 200,
            Indication = "",
            InstitutionId = "kz-astana-childrens",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Equal(["country_code", "age_years", "indication", "date"], bad.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));

        using var http = await fixture.Running.HttpAsAsync(DemoClients.KzRegulatory);
        using var rest = await http.GetAsync(new Uri("v1/approvals/renewals-due?withinDays=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, rest.StatusCode);
    }

    private static Task<Authorisation> Step(ApprovalsService.ApprovalsServiceClient client, Authorisation current, AuthorisationStatus status, string reason,
        Action<ChangeStatusRequest>? dates = null)
    {
        var request = new ChangeStatusRequest { AuthorisationId = current.AuthorisationId, Status = status, ExpectedRevision = current.Revision.Version, Reason = reason };
        dates?.Invoke(request);
        return client.ChangeStatusAsync(request).ResponseAsync;
    }

    private static Google.Type.Date Day(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };
}
