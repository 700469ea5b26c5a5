using System.Security.Claims;
using Bunit;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Portal.Components.Clinician;
using CarTConsortium.Portal.Components.Coordinator;
using CarTConsortium.Portal.Components.Pages;
using CarTConsortium.Portal.Components.Procurement;
using CarTConsortium.Portal.Components.Regulator;
using CarTConsortium.Portal.Errors;
using CarTConsortium.Portal.Session;
using Grpc.Core;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>
/// An ended session keeps what the person typed (issue 13): the draft waits on the server for the same
/// person on the same page, comes back once, and for nobody else.
/// </summary>
public sealed class FormDraftTests : PortalComponentTest
{
    private const string Page = "bookings/new";

    public FormDraftTests()
    {
        Gateway.On<ListProductsRequest, ListProductsResponse>("ListProducts", _ => new ListProductsResponse { Products = { new Product { ProductId = "ncb-cd19-academic", Name = "Academic CD19 CAR-T" } } });
        Gateway.On<ListInstitutionsRequest, ListInstitutionsResponse>("ListInstitutions", _ => new ListInstitutionsResponse { Institutions = { new Institution { InstitutionId = "kz-ncb-astana", Name = "NCB Astana", CountryCode = "KZ" } } });
        Gateway.On<RequestRunRequest, RequestRunResponse>("RequestRun", _ => throw new RpcException(new Status(StatusCode.Unauthenticated, "session ended")));
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public void A_run_request_cut_off_by_an_ended_session_comes_back_once_after_signing_in_again()
    {
        SignIn("kz-coordinator-1");
        TypeAndSubmitARunRequest();
        Assert.EndsWith("/signin?returnUrl=%2Fbookings%2Fnew", Navigation.Uri, StringComparison.Ordinal);

        // Back from sign-in: the same person on the same page.
        var again = OpenPage();
        again.WaitForAssertion(() => Assert.Equal(Strings["Draft_Restored"].Value, again.Find("[data-testid=draft-restored]").TextContent));
        Assert.Equal("KZ-AAAA-BBBB-CCCC-DDDD", again.Find("#pseudonym").GetAttribute("value"));
        Assert.Equal("ncb-cd19-academic", again.Find("#product").GetAttribute("value"));
        Assert.Equal("CAR-T after second relapse", again.Find("#indication").GetAttribute("value"));
        Assert.Equal(nameof(UrgencyClass.Urgent), again.Find("#urgency").GetAttribute("value"));
        Assert.Equal("2027-01-04", again.Find("#earliest").GetAttribute("value"));

        // Given back once: the next visit starts afresh.
        AssertThePageOpensEmpty();
    }

    [Fact]
    public void Someone_else_on_the_same_page_does_not_get_the_draft()
    {
        SignIn("kz-coordinator-1");
        TypeAndSubmitARunRequest();

        SignIn("kz-coordinator-2");
        AssertThePageOpensEmpty();
    }

    [Fact]
    public void The_same_subject_at_another_countrys_provider_is_someone_else()
    {
        SignIn("coordinator-1", issuer: "http://127.0.0.1:5201/");
        TypeAndSubmitARunRequest();

        SignIn("coordinator-1", issuer: "http://127.0.0.1:5202/");
        AssertThePageOpensEmpty();
    }

    [Fact]
    public void An_enrolment_comes_back_without_the_national_identifier_which_the_portal_never_keeps()
    {
        SignIn("kz-clinician-1", Roles.Clinician);
        Gateway.On<EnrolPatientRequest, Patient>("EnrolPatient", _ => throw new RpcException(new Status(StatusCode.Unauthenticated, "session ended")));
        Navigation.NavigateTo("clinical/enrol");
        var page = Render<EnrolPage>();
        page.WaitForAssertion(() => Assert.Equal("KZ", page.Find("#enrol-country").GetAttribute("value")));
        page.Find("#enrol-national-id").Change("160512300123");
        page.Find("#enrol-birth-year").Change("2016");
        page.Find("#enrol-prior-lines").Change("2");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Single(Gateway.Requests<EnrolPatientRequest>("EnrolPatient")));

        Navigation.NavigateTo("clinical/enrol");
        var again = Render<EnrolPage>();
        again.WaitForAssertion(() => Assert.Single(again.FindAll("[data-testid=draft-restored]")));
        Assert.Equal(("2016", "2", "KZ"), (again.Find("#enrol-birth-year").GetAttribute("value"), again.Find("#enrol-prior-lines").GetAttribute("value"), again.Find("#enrol-country").GetAttribute("value")));
        Assert.True(string.IsNullOrEmpty(again.Find("#enrol-national-id").GetAttribute("value")));
    }

    [Fact]
    public void A_regulators_new_authorisation_comes_back_in_russian_too()
    {
        UseCulture("ru");
        SignIn("kz-regulatory-1", Roles.RegulatoryOfficer);
        Gateway.On<RecordAuthorisationRequest, Authorisation>("RecordAuthorisation", _ => throw new RpcException(new Status(StatusCode.Unauthenticated, "session ended")));
        Navigation.NavigateTo("approvals/authorisations/new");
        var page = Render<RecordPage>();
        page.WaitForAssertion(() => Assert.Equal("KZ", page.Find("#record-jurisdiction").GetAttribute("value")));
        page.Find("#record-indication").Change("r/r B-ALL, up to 25 years");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Single(Gateway.Requests<RecordAuthorisationRequest>("RecordAuthorisation")));

        Navigation.NavigateTo("approvals/authorisations/new");
        var again = Render<RecordPage>();
        again.WaitForAssertion(() => Assert.Equal(Strings["Draft_Restored"].Value, again.Find("[data-testid=draft-restored]").TextContent));
        Assert.Equal("Введённое вами до повторного входа восстановлено.", Strings["Draft_Restored"].Value);
        Assert.Equal("r/r B-ALL, up to 25 years", again.Find("#record-indication").GetAttribute("value"));
    }

    [Fact]
    public void An_officers_amendment_comes_back_over_the_commitment_as_it_stands()
    {
        SignIn("kz-procurement-1", Roles.ProcurementOfficer);
        Navigation.NavigateTo("procurement/pools/vectors");
        var form = RenderCommitForm();
        Assert.Equal("5", form.Find("#commit-quantity").GetAttribute("value"));
        form.Find("#commit-quantity").Change("8");
        form.Find("#commit-budget").Change("MOH-2027-17");
        form.Find("form").Submit();

        Navigation.NavigateTo("procurement/pools/vectors");
        var again = RenderCommitForm();
        again.WaitForAssertion(() => Assert.Single(again.FindAll("[data-testid=draft-restored]")));
        Assert.Equal(("8", "MOH-2027-17"), (again.Find("#commit-quantity").GetAttribute("value"), again.Find("#commit-budget").GetAttribute("value")));

        // Another pool's page is another draft.
        Navigation.NavigateTo("procurement/pools/reagents");
        Assert.Equal("5", RenderCommitForm().Find("#commit-quantity").GetAttribute("value"));
    }

    [Fact]
    public void A_status_change_comes_back_with_its_reason()
    {
        SignIn("kz-regulatory-1", Roles.RegulatoryOfficer);
        Navigation.NavigateTo("approvals/authorisations/a-uz");
        var form = Render<ChangeStatusForm>(p => p.Add(f => f.Authorisation, new Authorisation { AuthorisationId = "a-uz" }).Add(f => f.OnSubmit, (ChangeStatusRequest _) => SessionEndsAsync()));
        form.Find("#change-reason").Change("Renewal filed late");
        form.Find("form").Submit();

        Navigation.NavigateTo("approvals/authorisations/a-uz");
        var again = Render<ChangeStatusForm>(p => p.Add(f => f.Authorisation, new Authorisation { AuthorisationId = "a-uz" }));
        again.WaitForAssertion(() => Assert.Single(again.FindAll("[data-testid=draft-restored]")));
        Assert.Equal("Renewal filed late", again.Find("#change-reason").GetAttribute("value"));
    }

    [Fact]
    public async Task A_draft_waits_thirty_minutes_and_no_longer()
    {
        SignIn("kz-coordinator-1");
        Navigation.NavigateTo(Page);
        var drafts = NewDrafts();

        var input = new RunRequestInput();
        drafts.Keep("request-run", input);

        input.Pseudonym = "KZ-1";
        await drafts.SaveAllAsync();
        Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal("KZ-1", (await NewDrafts().RestoreAsync<RunRequestInput>("request-run"))?.Pseudonym);

        input.Pseudonym = "KZ-2";
        await drafts.SaveAllAsync();
        Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(await NewDrafts().RestoreAsync<RunRequestInput>("request-run"));
    }

    [Fact]
    public async Task Nothing_is_kept_for_an_anonymous_user_nor_for_a_form_nobody_typed_in()
    {
        Navigation.NavigateTo(Page);
        var anonymous = NewDrafts();
        var typed = new RunRequestInput();
        anonymous.Keep("request-run", typed);
        typed.Pseudonym = "KZ-1";
        await anonymous.SaveAllAsync();
        Assert.Null(await NewDrafts().RestoreAsync<RunRequestInput>("request-run"));

        SignIn("kz-coordinator-1");
        var untouched = NewDrafts();
        untouched.Keep("request-run", new RunRequestInput());
        await untouched.SaveAllAsync();
        Assert.Null(await NewDrafts().RestoreAsync<RunRequestInput>("request-run"));
    }

    private void TypeAndSubmitARunRequest()
    {
        var page = OpenPage();
        page.WaitForAssertion(() => Assert.Equal("Academic CD19 CAR-T", page.Find("#product option.api-text").TextContent));
        page.Find("#pseudonym").Change("KZ-AAAA-BBBB-CCCC-DDDD");
        page.Find("#product").Change("ncb-cd19-academic");
        page.Find("#indication").Change("CAR-T after second relapse");
        page.Find("#urgency").Change(UrgencyClass.Urgent.ToString());
        page.Find("#earliest").Change("2027-01-04");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Single(Gateway.Requests<RequestRunRequest>("RequestRun")));
    }

    private IRenderedComponent<CommitForm> RenderCommitForm() => Render<CommitForm>(p => p
        .Add(f => f.Pool, new Pool { PoolId = "vectors", Currency = "USD" })
        .Add(f => f.CountryCode, "KZ")
        .Add(f => f.Current, new Commitment { CountryCode = "KZ", Quantity = 5, BudgetReference = "MOH-2027-01" })
        .Add(f => f.OnSubmit, (CommitRequest _) => SessionEndsAsync()));

    /// <summary>A call that finds the session ended, made as the pages make theirs.</summary>
    private Task<CallResult<bool>> SessionEndsAsync() =>
        Services.GetRequiredService<CallGuard>().RunAsync<bool>(() => throw new RpcException(new Status(StatusCode.Unauthenticated, "session ended")));

    private void AssertThePageOpensEmpty()
    {
        var page = OpenPage();
        page.WaitForAssertion(() => Assert.Equal("Academic CD19 CAR-T", page.Find("#product option.api-text").TextContent));
        Assert.Empty(page.FindAll("[data-testid=draft-restored]"));
        Assert.Equal("", page.Find("#pseudonym").GetAttribute("value"));
    }

    private IRenderedComponent<RequestRun> OpenPage()
    {
        Navigation.NavigateTo(Page);
        return Render<RequestRun>();
    }

    /// <summary>The drafts as a new circuit sees them: its own registrations, the portal's one cache.</summary>
    private FormDrafts NewDrafts() => new(Cache, Services.GetRequiredService<AuthenticationStateProvider>(), Navigation, Clock);

    private IMemoryCache Cache => Services.GetRequiredService<IMemoryCache>();

    private void SignIn(string subject, string role = Roles.HospitalCoordinator, string issuer = "http://127.0.0.1:5201/")
    {
        Auth.SetAuthorized(subject);
        Auth.SetClaims(
            new Claim(PlatformClaims.Subject, subject, ClaimValueTypes.String, issuer),
            new Claim(PlatformClaims.Country, "KZ"),
            new Claim(PlatformClaims.Org, "kz-astana-childrens"),
            new Claim(PlatformClaims.Role, role));
    }
}
