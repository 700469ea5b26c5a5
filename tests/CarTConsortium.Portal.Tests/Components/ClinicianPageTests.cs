using System.Security.Claims;
using Bunit;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Components.Clinician;
using CarTConsortium.Portal.Components.Shared;
using CarTConsortium.Portal.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The clinician's forms and the patient record page against a scripted gateway.</summary>
public sealed class ClinicianPageTests : PortalComponentTest
{
    private const string Pseudonym = "KZ-7F3K-9Q2M-4N5P-R8TV";
    private const string Hospital = "kz-astana-childrens";

    private IStringLocalizer<ClinicianResource> Text => Services.GetRequiredService<IStringLocalizer<ClinicianResource>>();

    [Fact]
    public void The_enrol_form_sends_what_was_typed_for_the_clinicians_own_institution()
    {
        EnrolPatientRequest? sent = null;
        var form = Render<EnrolForm>(p => p
            .Add(f => f.Input, new EnrolInput { CountryCode = "KZ" })
            .Add(f => f.TreatingInstitutionId, Hospital)
            .Add(f => f.OnSubmit, (EnrolPatientRequest r) => sent = r));

        form.Find("#enrol-national-id").Change(" 160512-300-123 ");
        form.Find("#enrol-birth-year").Change("2016");
        form.Find("#enrol-birth-month").Change("5");
        form.Find("#enrol-sex").Change(Sex.Female.ToString());
        form.Find("#enrol-disease-status").Change(DiseaseStatus.Refractory.ToString());
        form.Find("#enrol-cd19").Change(Cd19Status.Positive.ToString());
        form.Find("#enrol-prior-lines").Change("3");
        form.Find("#enrol-consent-registry").Change(true);
        form.Find("#enrol-consent-research").Change(true);
        form.Find("form").Submit();

        Assert.NotNull(sent);
        Assert.Equal(("160512-300-123", "KZ", Hospital, 2016, 5, Sex.Female), (sent.NationalId, sent.CountryCode, sent.TreatingInstitutionId, sent.BirthYear, sent.BirthMonth, sent.Sex));
        Assert.Equal((DiseaseStatus.Refractory, Cd19Status.Positive, 3), (sent.Diagnosis.DiseaseStatus, sent.Diagnosis.Cd19Status, sent.Diagnosis.PriorLines));
        Assert.Equal((true, false, true), (sent.Consents.Registry, sent.Consents.CrossBorderSharing, sent.Consents.Research));
    }

    [Fact]
    public void The_apis_field_violations_appear_next_to_their_inputs_and_the_others_in_the_banner()
    {
        var error = PortalError.From(Errors.BadRequest(
            ("national_id", "is required"),
            ("diagnosis.prior_lines", "must be 0-15"),
            ("consents.registry", "must be given to enrol"),
            ("treating_institution_id", "is not yours")));

        var form = Render<EnrolForm>(p => p.Add(f => f.Error, error));
        var banner = Render<ErrorBanner>(p => p.Add(b => b.Error, error).Add(b => b.ExtraFields, EnrolForm.Fields));

        Assert.Contains("is required", form.Find("#enrol-national-id-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("must be 0-15", form.Find("#enrol-prior-lines-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("must be given to enrol", form.Find("#enrol-consent-registry-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("enrol-prior-lines-error", form.Find("#enrol-prior-lines").GetAttribute("aria-describedby"), StringComparison.Ordinal);
        Assert.Contains("treating_institution_id: is not yours", banner.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("must be 0-15", banner.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_enrol_page_enrols_at_the_clinicians_institution_and_opens_the_new_record()
    {
        SignIn(Roles.Clinician);
        Gateway.On<EnrolPatientRequest, Patient>("EnrolPatient", r => Record(1));
        var page = Render<EnrolPage>();
        page.WaitForAssertion(() => Assert.Equal(Hospital, page.Find("[data-testid=enrol-institution]").TextContent));
        Assert.Equal("KZ", page.Find("#enrol-country").GetAttribute("value"));

        page.Find("#enrol-national-id").Change("160512300123");
        page.Find("form").Submit();

        var sent = Assert.Single(Gateway.Requests<EnrolPatientRequest>("EnrolPatient"));
        Assert.Equal(Hospital, sent.TreatingInstitutionId);
        Assert.EndsWith($"/clinical/patients/{Pseudonym}?enrolled=1", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void The_record_is_read_only_once_a_purpose_is_given_and_the_purpose_goes_with_the_read()
    {
        SignIn(Roles.Clinician);
        Gateway.On<ListAccessLogRequest, ListAccessLogResponse>("ListAccessLog", _ => new ListAccessLogResponse
        {
            Entries =
            {
                new AccessLogEntry { Subject = "someone-else", InstitutionId = Hospital, CountryCode = "KZ", Rpc = "ListPatients", Purpose = AccessPurpose.Booking, ReadAt = At(9) },
                new AccessLogEntry { Subject = "kz-clinician-1", InstitutionId = Hospital, CountryCode = "KZ", Rpc = "GetPatient", Purpose = AccessPurpose.FollowUp, Justification = "day-90 visit", ReadAt = At(10) },
            },
        });
        ScriptRecord(Record(3));

        var page = Render<PatientPage>(p => p.Add(x => x.Pseudonym, Pseudonym));

        Assert.NotEmpty(page.FindAll("[data-testid=purpose-form]"));
        Assert.Empty(page.FindAll("[data-testid=patient]"));
        Assert.Empty(Gateway.Requests<GetPatientRequest>("GetPatient"));

        page.Find("#purpose").Change(AccessPurpose.FollowUp.ToString());
        page.Find("#justification").Change(" day-90 visit ");
        page.Find("[data-testid=purpose-form]").Submit();

        page.WaitForElement("[data-testid=patient]");
        var read = Assert.Single(Gateway.Requests<GetPatientRequest>("GetPatient"));
        Assert.Equal((Pseudonym, AccessPurpose.FollowUp, "day-90 visit"), (read.Pseudonym, read.Purpose, read.Justification));
        Assert.Empty(page.FindAll("[data-testid=purpose-form]"));
        Assert.Contains(Strings["Purpose_FollowUp"].Value, page.Find("[data-testid=read-for]").TextContent, StringComparison.Ordinal);
        Assert.Equal(Pseudonym, Assert.Single(Gateway.Requests<ListAccessLogRequest>("ListAccessLog")).Pseudonym);
        // The log, newest first, marks the reader's own read with its purpose.
        var rows = page.FindAll("[data-testid=access-log] tbody tr");
        Assert.Equal(("true", nameof(AccessPurpose.FollowUp)), (rows[0].GetAttribute("data-own"), rows[0].GetAttribute("data-purpose")));
        Assert.Contains("day-90 visit", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("false", rows[1].GetAttribute("data-own"));
        Assert.Contains(Text["Outcome_ResponseText", Text["Response_Cr"]].Value, page.Find("[data-testid=outcomes]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_outcome_form_sends_only_the_chosen_kinds_details()
    {
        RecordOutcomeRequest? sent = null;
        var form = Render<OutcomeForm>(p => p.Add(f => f.Pseudonym, Pseudonym).Add(f => f.OnSubmit, (RecordOutcomeRequest r) => sent = r));
        Assert.Empty(form.FindAll("#outcome-grade"));

        form.Find("#outcome-day").Change("2026-11-30");
        form.Find("#outcome-kind").Change(nameof(OutcomeKind.Toxicity));
        form.Find("#outcome-toxicity").Change(ToxicityKind.Crs.ToString());
        form.Find("#outcome-grade").Change("2");
        form.Find("#outcome-resolved").Change("2026-12-04");
        form.Find("form").Submit();

        Assert.Equal((Pseudonym, RecordOutcomeRequest.KindOneofCase.Toxicity), (sent!.Pseudonym, sent.KindCase));
        Assert.Equal((ToxicityKind.Crs, 2, 4), (sent.Toxicity.Kind, sent.Toxicity.Grade, sent.Toxicity.ResolvedOn.Day));
        Assert.Equal((2026, 11, 30), (sent.OccurredOn.Year, sent.OccurredOn.Month, sent.OccurredOn.Day));

        form.Find("#outcome-kind").Change(nameof(OutcomeKind.Response));
        form.Find("#outcome-response").Change(Day28Response.Cri.ToString());
        form.Find("#outcome-mrd").Change(true);
        form.Find("form").Submit();

        Assert.Equal(RecordOutcomeRequest.KindOneofCase.Response, sent.KindCase);
        Assert.Equal((Day28Response.Cri, true), (sent.Response.Response, sent.Response.MrdNegative));
        Assert.Null(sent.Toxicity);
    }

    [Fact]
    public void An_outcome_recorded_on_the_record_page_shows_in_its_outcomes_and_an_invalid_one_says_why_beside_the_field()
    {
        SignIn(Roles.Clinician);
        ScriptRecord(Record(3));
        Gateway.On<RecordOutcomeRequest, Patient>("RecordOutcome", _ => throw Errors.BadRequest(("occurred_on", "must not be in the future")));
        Gateway.On<RecordOutcomeRequest, Patient>("RecordOutcome", r =>
        {
            var saved = Record(4);
            saved.Outcomes.Add(new Outcome { OutcomeId = "o-2", OccurredOn = r.OccurredOn, FollowUp = r.FollowUp, RecordedByInstitutionId = Hospital, RecordedAt = At(11) });
            return saved;
        });
        var page = OpenRecord();

        page.Find("#outcome-day").Change("2027-01-01");
        page.Find("#outcome-kind").Change(nameof(OutcomeKind.FollowUp));
        page.Find("#outcome-state").Change(DiseaseState.InRemission.ToString());
        page.Find("#outcome-aplasia").Change(true);
        page.Find("form.outcome").Submit();

        page.WaitForAssertion(() => Assert.Contains("must not be in the future", page.Find("#outcome-day-error").TextContent, StringComparison.Ordinal));
        Assert.Equal("2027-01-01", page.Find("#outcome-day").GetAttribute("value"));

        page.Find("#outcome-day").Change("2026-12-01");
        page.Find("form.outcome").Submit();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=outcomes] tbody tr").Count));
        Assert.Contains(Text["Outcome_BCellAplasia"].Value, page.Find("[data-testid=outcomes] tbody tr[data-kind=FollowUp]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=error]"));
        Assert.Empty(page.FindAll("#outcome-state"));
        Assert.Equal(2, Gateway.Requests<RecordOutcomeRequest>("RecordOutcome").Count());
    }

    [Fact]
    public void An_outcome_cut_off_by_an_ended_session_is_back_once_the_record_is_opened_again()
    {
        SignIn(Roles.Clinician);
        ScriptRecord(Record(3));
        Gateway.On<RecordOutcomeRequest, Patient>("RecordOutcome", _ => throw new RpcException(new Status(StatusCode.Unauthenticated, "session ended")));
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo($"clinical/patients/{Pseudonym}");
        var page = OpenRecord();
        page.Find("#outcome-day").Change("2026-12-01");
        page.Find("#outcome-kind").Change(nameof(OutcomeKind.FollowUp));
        page.Find("form.outcome").Submit();
        page.WaitForAssertion(() => Assert.Contains("/signin?returnUrl=", navigation.Uri, StringComparison.Ordinal));

        navigation.NavigateTo($"clinical/patients/{Pseudonym}");
        var again = OpenRecord();
        Assert.Equal(Strings["Draft_Restored"].Value, again.Find("[data-testid=draft-restored]").TextContent);
        Assert.Equal(("2026-12-01", nameof(OutcomeKind.FollowUp)), (again.Find("#outcome-day").GetAttribute("value"), again.Find("#outcome-kind").GetAttribute("value")));
    }

    [Fact]
    public void Withdrawing_a_consent_says_what_it_will_do_and_is_sent_only_once_confirmed()
    {
        SignIn(Roles.Clinician);
        ScriptRecord(Record(3));
        Gateway.On<ChangeConsentRequest, Patient>("ChangeConsent", r =>
        {
            var saved = Record(4);
            saved.Consents = r.Consents;
            return saved;
        });
        var page = OpenRecord();

        page.Find("#consent-sharing").Change(false);
        page.Find("form.consent").Submit();

        var confirm = page.Find("[data-testid=consent-confirm]");
        Assert.Contains(Text["Consent_WithdrawSharing"].Value, confirm.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(Text["Consent_WithdrawRegistry"].Value, confirm.TextContent, StringComparison.Ordinal);
        Assert.Empty(Gateway.Requests<ChangeConsentRequest>("ChangeConsent"));

        page.Find("[data-testid=consent-confirm-back]").Click();
        Assert.Empty(page.FindAll("[data-testid=consent-confirm]"));
        Assert.Empty(Gateway.Requests<ChangeConsentRequest>("ChangeConsent"));

        page.Find("form.consent").Submit();
        page.Find("[data-testid=consent-confirm-yes]").Click();

        page.WaitForAssertion(() => Assert.Equal(Text["Consent_Registry"].Value, page.Find("[data-testid=patient-consents]").TextContent));
        var sent = Assert.Single(Gateway.Requests<ChangeConsentRequest>("ChangeConsent"));
        Assert.Equal((Pseudonym, 3L, true, false, false), (sent.Pseudonym, sent.ExpectedRevision, sent.Consents.Registry, sent.Consents.CrossBorderSharing, sent.Consents.Research));
    }

    [Fact]
    public void Granting_a_consent_needs_no_confirmation()
    {
        ChangeConsentRequest? sent = null;
        var form = Render<ConsentForm>(p => p.Add(f => f.Patient, Record(3)).Add(f => f.OnSubmit, (ChangeConsentRequest r) => sent = r));

        form.Find("#consent-research").Change(true);
        form.Find("form").Submit();

        Assert.Empty(form.FindAll("[data-testid=consent-confirm]"));
        Assert.Equal((true, true, true), (sent!.Consents.Registry, sent.Consents.CrossBorderSharing, sent.Consents.Research));
    }

    [Fact]
    public void A_lost_race_reads_the_record_again_for_the_same_purpose_and_says_what_changed()
    {
        SignIn(Roles.Clinician);
        var newer = Record(5);
        newer.Consents.CrossBorderSharing = false;
        newer.Outcomes.Add(new Outcome { OutcomeId = "o-9", OccurredOn = new Google.Type.Date { Year = 2026, Month = 12, Day = 2 }, Relapse = new Relapse { Cd19Status = Cd19Status.Negative } });
        Gateway.On<GetPatientRequest, Patient>("GetPatient", _ => Record(3));
        Gateway.On<GetPatientRequest, Patient>("GetPatient", _ => newer);
        Gateway.On<ListAccessLogRequest, ListAccessLogResponse>("ListAccessLog", _ => new ListAccessLogResponse());
        Gateway.On<ListProductsRequest, ListProductsResponse>("ListProducts", _ => new ListProductsResponse());
        Gateway.On<ChangeConsentRequest, Patient>("ChangeConsent", _ => throw new RpcException(new Status(StatusCode.Aborted, "revision 3 is stale")));
        var page = OpenRecord(AccessPurpose.QualityReview);

        page.Find("#consent-research").Change(true);
        page.Find("form.consent").Submit();

        page.WaitForAssertion(() => Assert.Equal(nameof(PortalErrorKind.Changed), page.Find("[data-testid=error]").GetAttribute("data-kind")));
        var note = page.Find("[data-testid=error-note]").TextContent;
        Assert.Contains(Text["Changed_Consent", Text["Consent_CrossBorderSharing"], Text["Consent_Given"], Text["Consent_NotGiven"]].Value, note, StringComparison.Ordinal);
        Assert.Contains(Text["Outcome_RelapseText", Text["Cd19_Negative"]].Value, note, StringComparison.Ordinal);
        Assert.Equal(2, page.FindAll("[data-testid=outcomes] tbody tr").Count);
        // The form starts again from the record as it is now; the reload was logged for the purpose first given.
        Assert.Null(page.Find("#consent-sharing").GetAttribute("checked"));
        Assert.All(Gateway.Requests<GetPatientRequest>("GetPatient"), r => Assert.Equal(AccessPurpose.QualityReview, r.Purpose));
        Assert.Equal(2, Gateway.Requests<GetPatientRequest>("GetPatient").Count());
    }

    [Fact]
    public void A_refused_read_says_so_plainly_and_shows_no_record()
    {
        SignIn(Roles.Clinician);
        Gateway.On<GetPatientRequest, Patient>("GetPatient", _ => throw new RpcException(new Status(StatusCode.PermissionDenied, "The patient's record is not visible to kz-other: internal reasoning")));
        var page = Render<PatientPage>(p => p.Add(x => x.Pseudonym, Pseudonym));

        page.Find("[data-testid=purpose-form]").Submit();

        page.WaitForAssertion(() => Assert.Equal(nameof(PortalErrorKind.NotAllowed), page.Find("[data-testid=error]").GetAttribute("data-kind")));
        Assert.Equal(Strings["Error_NotAllowed"].Value, page.Find("[data-testid=error] p").TextContent);
        Assert.DoesNotContain("internal reasoning", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=patient]"));
        Assert.Empty(Gateway.Requests<ListAccessLogRequest>("ListAccessLog"));
        Assert.NotEmpty(page.FindAll("[data-testid=purpose-form]"));
    }

    [Fact]
    public void A_coordinator_of_the_treating_institution_may_change_consents_but_records_no_outcome_and_reads_no_log()
    {
        SignIn(Roles.HospitalCoordinator);
        ScriptRecord(Record(3));

        var page = OpenRecord();

        Assert.NotEmpty(page.FindAll("[data-testid=consent-form]"));
        Assert.Empty(page.FindAll("[data-testid=outcome-form]"));
        Assert.Empty(page.FindAll("[data-testid=infusion-form]"));
        Assert.Empty(page.FindAll("[data-testid=access-log]"));
        Assert.Empty(Gateway.Requests<ListAccessLogRequest>("ListAccessLog"));
    }

    [Fact]
    public void A_frozen_record_offers_no_infusion_or_outcome_form()
    {
        SignIn(Roles.Clinician);
        var frozen = Record(3);
        frozen.Consents = new Consents();
        ScriptRecord(frozen);

        var page = OpenRecord();

        Assert.NotEmpty(page.FindAll("[data-testid=frozen]"));
        Assert.Empty(page.FindAll("[data-testid=outcome-form]"));
        Assert.Equal(Text["Consents_Frozen"].Value, page.Find("[data-testid=patient-consents]").TextContent);
    }

    [Fact]
    public void The_patients_page_lists_the_institutions_patients_read_for_the_purpose_given()
    {
        SignIn(Roles.Clinician);
        Gateway.On<ListPatientsRequest, ListPatientsResponse>("ListPatients", _ => new ListPatientsResponse { Patients = { Record(3) } });
        var page = Render<ClinicalPatientsPage>();

        page.Find("[data-testid=purpose-form]").Submit();

        page.WaitForElement("[data-testid=clinical-patients]");
        var request = Assert.Single(Gateway.Requests<ListPatientsRequest>("ListPatients"));
        Assert.Equal((AccessPurpose.Treatment, Hospital), (request.Purpose, request.TreatingInstitutionId));
        Assert.Equal($"clinical/patients/{Pseudonym}", page.Find($"tr[data-pseudonym='{Pseudonym}'] a").GetAttribute("href"));
    }

    [Fact]
    public void Every_input_of_every_clinician_form_has_its_label()
    {
        AssertLabelled(Render<EnrolForm>());
        AssertLabelled(Render<InfusionForm>(p => p.Add(f => f.Pseudonym, Pseudonym).Add(f => f.Products, [new("tisagenlecleucel", "Kymriah")])));
        AssertLabelled(Render<ConsentForm>(p => p.Add(f => f.Patient, Record(1))));
        foreach (var kind in System.Enum.GetValues<OutcomeKind>())
        {
            AssertLabelled(Render<OutcomeForm>(p => p.Add(f => f.Pseudonym, Pseudonym).Add(f => f.Input, new OutcomeInput { Kind = kind })));
        }
        SignIn(Roles.Clinician);
        ScriptRecord(Record(3));
        AssertLabelled(Render<PatientPage>(p => p.Add(x => x.Pseudonym, Pseudonym)));
        AssertLabelled(OpenRecord());

        static void AssertLabelled<T>(IRenderedComponent<T> form) where T : Microsoft.AspNetCore.Components.IComponent
        {
            Assert.NotEmpty(form.FindAll("input, select"));
            Assert.All(form.FindAll("input, select"), input => Assert.Single(form.FindAll($"label[for='{input.Id}']")));
        }
    }

    private IRenderedComponent<PatientPage> OpenRecord(AccessPurpose purpose = AccessPurpose.Treatment)
    {
        var page = Render<PatientPage>(p => p.Add(x => x.Pseudonym, Pseudonym));
        page.Find("#purpose").Change(purpose.ToString());
        page.Find("[data-testid=purpose-form]").Submit();
        page.WaitForElement("[data-testid=patient]");
        return page;
    }

    private void ScriptRecord(Patient patient)
    {
        Gateway.On<GetPatientRequest, Patient>("GetPatient", _ => patient);
        Gateway.On<ListAccessLogRequest, ListAccessLogResponse>("ListAccessLog", _ => new ListAccessLogResponse());
        Gateway.On<ListProductsRequest, ListProductsResponse>("ListProducts", _ => new ListProductsResponse { Products = { new Product { ProductId = "tisagenlecleucel", Name = "Kymriah" } } });
    }

    private void SignIn(string role)
    {
        Auth.SetAuthorized("kz.clinician");
        Auth.SetClaims(
            new Claim(PlatformClaims.Subject, "kz-clinician-1"),
            new Claim(PlatformClaims.Country, "KZ"),
            new Claim(PlatformClaims.Org, Hospital),
            new Claim(PlatformClaims.Role, role));
    }

    private static Timestamp At(int hour) => Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 7, hour, 0, 0, TimeSpan.Zero));

    private static Patient Record(long revision) => new()
    {
        Pseudonym = Pseudonym,
        CountryCode = "KZ",
        TreatingInstitutionId = Hospital,
        BirthYear = 2016,
        BirthMonth = 5,
        Sex = Sex.Female,
        Diagnosis = new Diagnosis { DiseaseStatus = DiseaseStatus.Relapsed, Cd19Status = Cd19Status.Positive, PriorLines = 2 },
        Consents = new Consents { Registry = true, CrossBorderSharing = true },
        Infusions = { new Infusion { InfusionId = "i-1", ProductId = "tisagenlecleucel", DoseMillionCellsPerKg = 2.5, InfusedOn = new Google.Type.Date { Year = 2026, Month = 10, Day = 1 } } },
        Outcomes =
        {
            new Outcome
            {
                OutcomeId = "o-1",
                OccurredOn = new Google.Type.Date { Year = 2026, Month = 10, Day = 29 },
                Response = new ResponseAssessment { Response = Day28Response.Cr, MrdNegative = true },
                RecordedByInstitutionId = Hospital,
                RecordedAt = At(8),
            },
        },
        EnrolledAt = At(7),
        Revision = new Revision { Version = revision },
    };
}
