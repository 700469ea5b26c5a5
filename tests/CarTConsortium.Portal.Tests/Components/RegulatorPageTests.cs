using System.Security.Claims;
using Bunit;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Portal.Components.Regulator;
using CarTConsortium.Portal.Components.Shared;
using CarTConsortium.Portal.Errors;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The regulatory officer's forms, matrix and authorisation page.</summary>
public sealed class RegulatorPageTests : PortalComponentTest
{
    public RegulatorPageTests()
    {
    }

    private IStringLocalizer<RegulatorResource> Text => Services.GetRequiredService<IStringLocalizer<RegulatorResource>>();

    [Fact]
    public void A_status_change_names_the_revision_read_and_sends_the_step_its_reason_and_its_dates()
    {
        ChangeStatusRequest? sent = null;
        var form = Render<ChangeStatusForm>(p => p.Add(f => f.Authorisation, Authorisation(revision: 4)).Add(f => f.OnSubmit, (ChangeStatusRequest r) => sent = r));

        form.Find("#change-status").Change(AuthorisationStatus.Approved.ToString());
        form.Find("#change-reason").Change("  decision of the committee ");
        form.Find("#change-decided").Change("2026-12-01");
        form.Find("form").Submit();

        Assert.Equal(("kz-ncb-he", AuthorisationStatus.Approved, 4L, "decision of the committee"), (sent!.AuthorisationId, sent.Status, sent.ExpectedRevision, sent.Reason));
        Assert.Equal((2026, 12, 1), (sent.DecidedOn.Year, sent.DecidedOn.Month, sent.DecidedOn.Day));
        Assert.Null(sent.SubmittedOn);
        Assert.Null(sent.ExpiresOn);
    }

    [Fact]
    public void An_amendment_starts_from_the_authorisation_and_a_cleared_expiry_is_sent_empty()
    {
        AmendAuthorisationRequest? sent = null;
        var form = Render<AmendForm>(p => p.Add(f => f.Authorisation, Authorisation(revision: 4)).Add(f => f.OnSubmit, (AmendAuthorisationRequest r) => sent = r));

        Assert.Equal("r/r B-ALL", form.Find("#amend-indication").GetAttribute("value"));
        Assert.Equal("2027-01-20", form.Find("#amend-expires").GetAttribute("value"));
        form.Find("#amend-institutions").Change("kz-astana-childrens, kz-almaty-oncology");
        form.Find("#amend-reason").Change("renewal");
        form.Find("#amend-expires").Change("2028-01-20");
        form.Find("form").Submit();

        Assert.Equal((4L, "renewal", 1, 25), (sent!.ExpectedRevision, sent.Reason, sent.Scope.MinAgeYears, sent.Scope.MaxAgeYears));
        Assert.Equal(["kz-astana-childrens", "kz-almaty-oncology"], sent.Scope.InstitutionIds);
        Assert.Equal(2028, sent.ExpiresOn.Year);
        Assert.False(sent.ClearExpiry);

        form.Find("#amend-clear-expiry").Change(true);
        form.Find("form").Submit();

        Assert.True(sent.ClearExpiry);
        Assert.Null(sent.ExpiresOn);
    }

    [Fact]
    public void The_record_form_shows_violations_of_nested_scope_fields_next_to_their_inputs()
    {
        var error = PortalError.From(Errors.BadRequest(("scope.indication", "is required"), ("jurisdiction", "must be your own country"), ("scope.institution_ids[0]", "is not in KZ")));

        var form = Render<RecordForm>(p => p.Add(f => f.Error, error));
        var banner = Render<ErrorBanner>(p => p.Add(b => b.Error, error).Add(b => b.ExtraFields, RecordForm.Fields));

        Assert.Contains("is required", form.Find("#record-indication-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("must be your own country", form.Find("#record-jurisdiction-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("scope.institution_ids[0]: is not in KZ", banner.Markup, StringComparison.Ordinal);
        Assert.NotEmpty(form.FindAll("input, select"));
        Assert.All(form.FindAll("input, select"), input => Assert.Single(form.FindAll($"label[for='{input.Id}']")));
    }

    [Fact]
    public void The_matrix_page_draws_the_grid_and_opens_the_authorisation_chosen_in_it()
    {
        Gateway.On<GetMatrixRequest, Matrix>("GetMatrix", _ => new Matrix
        {
            ProductIds = { "tisagenlecleucel" },
            CountryCodes = { "KZ", "UZ" },
            Cells =
            {
                new MatrixCell { ProductId = "tisagenlecleucel", CountryCode = "KZ", UsableToday = true, Entries = { new MatrixEntry { AuthorisationId = "a-kz", Pathway = Pathway.Reliance, Status = AuthorisationStatus.Approved } } },
                new MatrixCell { ProductId = "tisagenlecleucel", CountryCode = "UZ", Entries = { new MatrixEntry { AuthorisationId = "a-uz", Pathway = Pathway.Reliance, Status = AuthorisationStatus.UnderReview } } },
            },
        });
        Gateway.On<CarTConsortium.Contracts.Registry.V1.ListProductsRequest, CarTConsortium.Contracts.Registry.V1.ListProductsResponse>("ListProducts", _ => new()
        {
            Products = { new CarTConsortium.Contracts.Registry.V1.Product { ProductId = "tisagenlecleucel", Name = "Kymriah" } },
        });
        Auth.SetAuthorized("kz.regulatory");
        Auth.SetClaims(new Claim(PlatformClaims.Country, "KZ"), new Claim(PlatformClaims.Role, Roles.RegulatoryOfficer));

        var page = Render<ApprovalsPage>();

        page.WaitForElement("[data-testid=matrix] td[data-country=KZ]");
        Assert.Contains("ct-usable", page.Find("[data-testid=matrix] td[data-country=KZ]").ClassList);
        Assert.DoesNotContain("ct-usable", page.Find("[data-testid=matrix] td[data-country=UZ]").ClassList);
        Assert.Contains("Kymriah", page.Find("[data-testid=matrix] tbody th").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("a[href='approvals/authorisations/new']"));

        page.Find("[data-testid=matrix] button[data-authorisation=a-uz]").Click();

        Assert.EndsWith("/approvals/authorisations/a-uz", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void The_matrix_page_asks_for_a_page_of_products_and_adds_the_next_page_below_when_asked()
    {
        var asked = new List<GetMatrixRequest>();
        Gateway.On<GetMatrixRequest, Matrix>("GetMatrix", request =>
        {
            asked.Add(request);
            var first = request.Page.PageToken.Length == 0;
            var product = first ? "tisagenlecleucel" : "ncb-cd19-academic";
            return new Matrix
            {
                ProductIds = { product },
                CountryCodes = { "KZ" },
                Cells = { new MatrixCell { ProductId = product, CountryCode = "KZ", Entries = { new MatrixEntry { AuthorisationId = $"{product}.KZ", Pathway = Pathway.MarketingAuthorisation } } } },
                NextPageToken = first ? "after-tisagenlecleucel" : "",
            };
        });
        Gateway.On<CarTConsortium.Contracts.Registry.V1.ListProductsRequest, CarTConsortium.Contracts.Registry.V1.ListProductsResponse>("ListProducts", _ => new());
        Auth.SetAuthorized("kz.regulatory");
        Auth.SetClaims(new Claim(PlatformClaims.Country, "KZ"), new Claim(PlatformClaims.Role, Roles.RegulatoryOfficer));

        var page = Render<ApprovalsPage>();
        page.WaitForElement("[data-testid=matrix-more]").Click();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=matrix] tbody th").Count));

        Assert.Equal([("", 50), ("after-tisagenlecleucel", 50)], asked.Select(r => (r.Page.PageToken, r.Page.PageSize)));
        Assert.NotEmpty(page.FindAll("[data-testid=matrix] button[data-authorisation='ncb-cd19-academic.KZ']"));
        Assert.Empty(page.FindAll("[data-testid=matrix-more]"));
    }

    [Fact]
    public async Task A_lost_race_reloads_the_authorisation_and_says_what_the_other_change_was()
    {
        var auth = Auth;
        auth.SetAuthorized("kz.regulatory");
        auth.SetClaims(new Claim(PlatformClaims.Country, "KZ"), new Claim(PlatformClaims.Role, Roles.RegulatoryOfficer));
        var current = Authorisation(revision: 4);
        var history = new List<HistoryEntry> { new() { Revision = 4, Action = "RECORDED", Subject = "demo-seed" } };
        Gateway.On<GetAuthorisationRequest, Authorisation>("GetAuthorisation", _ => current);
        Gateway.On<GetAuthorisationHistoryRequest, GetAuthorisationHistoryResponse>("GetAuthorisationHistory", _ => new GetAuthorisationHistoryResponse { Entries = { history } });
        Gateway.On<ChangeStatusRequest, Authorisation>("ChangeStatus", _ => throw new RpcException(new Status(StatusCode.Aborted, "stale")));
        var page = Render<AuthorisationPage>(p => p.Add(x => x.AuthorisationId, "kz-ncb-he"));
        page.WaitForElement("[data-testid=change-status-form]");

        // Someone suspended it meanwhile.
        current = Authorisation(revision: 5);
        current.Status = AuthorisationStatus.Suspended;
        history.Add(new HistoryEntry { Revision = 5, Action = "STATUS_CHANGED", Subject = "kz-other", Changes = { new FieldChange { Field = "status", Before = "APPROVED", After = "SUSPENDED" } } });
        page.Find("#change-status").Change(AuthorisationStatus.Withdrawn.ToString());
        page.Find("#change-reason").Change("no longer needed");
        await page.Find("form.change-status").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal(nameof(PortalErrorKind.Changed), page.Find("[data-testid=error]").GetAttribute("data-kind")));
        Assert.Contains("status APPROVED → SUSPENDED", page.Find("[data-testid=error-note]").TextContent, StringComparison.Ordinal);
        Assert.Contains(Text["Status_Suspended"].Value, page.Find("[data-testid=authorisation-status]").TextContent, StringComparison.Ordinal);
        Assert.Equal(2, page.FindAll("[data-testid=history] li").Count);
        Assert.Equal(4L, Gateway.Requests<ChangeStatusRequest>("ChangeStatus").Single().ExpectedRevision);
    }

    private static Authorisation Authorisation(long revision) => new()
    {
        AuthorisationId = "kz-ncb-he",
        ProductId = "ncb-cd19-academic",
        Jurisdiction = "KZ",
        Authority = Authority.National,
        Pathway = Pathway.HospitalExemption,
        Status = AuthorisationStatus.Approved,
        Scope = new Scope { Indication = "r/r B-ALL", MinAgeYears = 1, MaxAgeYears = 25, InstitutionIds = { "kz-astana-childrens" } },
        ExpiresOn = new Google.Type.Date { Year = 2027, Month = 1, Day = 20 },
        Revision = new Revision { Version = revision },
    };
}
