using System.Security.Claims;
using Bunit;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Components.Admin;
using CarTConsortium.Portal.Components.Shared;
using CarTConsortium.Portal.Errors;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The consortium admin's console: members, institutions, agreements, products and the procurement catalogue.</summary>
public sealed class AdminPageTests : PortalComponentTest
{
    private static readonly Country[] Members =
    [
        new() { CountryCode = "KZ", Name = "Kazakhstan", Membership = Membership.Member },
        new() { CountryCode = "UZ", Name = "Uzbekistan", Membership = Membership.Member },
    ];

    private IStringLocalizer<AdminResource> Text => Services.GetRequiredService<IStringLocalizer<AdminResource>>();

    [Fact]
    public void The_admit_form_sends_the_code_in_capitals_the_name_and_the_membership()
    {
        AdmitCountryRequest? sent = null;
        var form = Render<AdmitCountryForm>(p => p.Add(f => f.OnSubmit, (AdmitCountryRequest r) => sent = r));

        form.Find("#country-code").Change("tj");
        form.Find("#country-name").Change("  Tajikistan ");
        form.Find("#country-membership").Change(Membership.Reference.ToString());
        form.Find("form").Submit();

        Assert.Equal(("TJ", "Tajikistan", Membership.Reference), (sent!.CountryCode, sent.Name, sent.Membership));
    }

    [Fact]
    public void The_institution_form_sends_every_field_typed_with_its_accreditation_and_capabilities()
    {
        RegisterInstitutionRequest? sent = null;
        var form = Render<InstitutionForm>(p => p
            .Add(f => f.Countries, Members)
            .Add(f => f.Hubs, [Institution(revision: 1)])
            .Add(f => f.OnRegister, (RegisterInstitutionRequest r) => sent = r));

        form.Find("#institution-id").Change("kz-karaganda-spoke");
        form.Find("#institution-name").Change(" Karaganda Regional Hospital ");
        form.Find("#institution-country").Change("KZ");
        form.Find("#institution-kind").Change(InstitutionKind.ReferralHospital.ToString());
        form.Find("#institution-accreditation").Change(AccreditationStatus.Provisional.ToString());
        form.Find("#institution-body").Change("national inspectorate");
        form.Find("#institution-until").Change("2027-06-30");
        form.Find("#institution-icu").Change("4");
        form.Find("#institution-apheresis").Change(true);
        form.Find("#institution-hub").Change("kz-astana-childrens");
        form.Find("form").Submit();

        Assert.Equal(("kz-karaganda-spoke", "Karaganda Regional Hospital", "KZ", InstitutionKind.ReferralHospital, "kz-astana-childrens"),
            (sent!.InstitutionId, sent.Name, sent.CountryCode, sent.Kind, sent.HubInstitutionId));
        Assert.Equal((AccreditationStatus.Provisional, "national inspectorate", 2027, 6, 30),
            (sent.Accreditation.Status, sent.Accreditation.Body, sent.Accreditation.ValidUntil.Year, sent.Accreditation.ValidUntil.Month, sent.Accreditation.ValidUntil.Day));
        Assert.Equal((0, 4, true), (sent.Capabilities.ProductionLines, sent.Capabilities.IcuBeds, sent.Capabilities.Apheresis));
    }

    [Fact]
    public void Violations_of_nested_fields_appear_next_to_their_inputs_and_any_other_in_the_banner()
    {
        var error = PortalError.From(Errors.BadRequest(("accreditation.body", "is required"), ("capabilities.production_lines", "a manufacturing site has at least 1 production line"), ("page_size", "odd")));

        var form = Render<InstitutionForm>(p => p.Add(f => f.Error, error));
        var banner = Render<ErrorBanner>(p => p.Add(b => b.Error, error).Add(b => b.ExtraFields, InstitutionForm.Fields));

        Assert.Contains("is required", form.Find("#institution-body-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("at least 1 production line", form.Find("#institution-lines-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("institution-body-error", form.Find("#institution-body").GetAttribute("aria-describedby"), StringComparison.Ordinal);
        Assert.Contains("page_size: odd", banner.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("accreditation.body", banner.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "accreditation.status: Accredited → Suspended")]
    [InlineData("ru", "accreditation.status: Аккредитовано → Приостановлена")]
    public async Task An_institution_edit_sends_the_revision_read_and_a_lost_race_reloads_it_and_says_what_changed(string language, string change)
    {
        UseCulture(language);
        SignInAs(Roles.ConsortiumAdmin);
        var current = Institution(revision: 3);
        Gateway.On<ListInstitutionsRequest, ListInstitutionsResponse>("ListInstitutions", _ => new() { Institutions = { current } });
        Gateway.On<ListCountriesRequest, ListCountriesResponse>("ListCountries", _ => new() { Countries = { Members } });
        Gateway.On<GetInstitutionRequest, Institution>("GetInstitution", _ => current);
        Gateway.On<UpdateInstitutionRequest, Institution>("UpdateInstitution", _ => throw new RpcException(new Status(StatusCode.Aborted, "stale")));
        Gateway.On<UpdateInstitutionRequest, Institution>("UpdateInstitution", _ => current);
        var page = Render<InstitutionsPage>();
        page.WaitForElement("[data-testid=institutions] button[data-open=kz-astana-childrens]").Click();
        page.WaitForAssertion(() => Assert.Equal("Astana Children's Hospital", page.Find("#institution-name").GetAttribute("value")));
        Assert.NotNull(page.Find("#institution-id").GetAttribute("readonly"));

        // Someone suspended its accreditation meanwhile.
        current = Institution(revision: 4);
        current.Accreditation.Status = AccreditationStatus.Suspended;
        page.Find("#institution-name").Change("Astana Children's Clinical Hospital");
        await page.Find("form.institution").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal(nameof(PortalErrorKind.Changed), page.Find("[data-testid=error]").GetAttribute("data-kind")));
        var sent = Gateway.Requests<UpdateInstitutionRequest>("UpdateInstitution").Single();
        Assert.Equal((3L, "Astana Children's Clinical Hospital", "kz-astana-childrens"), (sent.ExpectedRevision, sent.Name, sent.InstitutionId));
        Assert.Contains(change, page.Find("[data-testid=error-note]").TextContent, StringComparison.Ordinal);
        // The form shows the institution as it is now, ready to be sent again with the new revision.
        Assert.Equal(AccreditationStatus.Suspended.ToString(), page.Find("#institution-accreditation").GetAttribute("value"));
        await page.Find("form.institution").SubmitAsync();
        Assert.Equal(4L, Gateway.Requests<UpdateInstitutionRequest>("UpdateInstitution").Last().ExpectedRevision);
    }

    [Fact]
    public async Task A_registration_the_service_does_not_allow_gets_the_plain_message_and_the_list_stays()
    {
        SignInAs(Roles.ConsortiumAdmin);
        Gateway.On<ListInstitutionsRequest, ListInstitutionsResponse>("ListInstitutions", _ => new() { Institutions = { Institution(revision: 1) } });
        Gateway.On<ListCountriesRequest, ListCountriesResponse>("ListCountries", _ => new() { Countries = { Members } });
        Gateway.On<RegisterInstitutionRequest, Institution>("RegisterInstitution", _ => throw new RpcException(new Status(StatusCode.PermissionDenied, "role consortium_admin required")));
        var page = Render<InstitutionsPage>();
        page.WaitForElement("[data-testid=institutions] tr[data-institution=kz-astana-childrens]");

        await page.Find("form.institution").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal(Strings["Error_NotAllowed"].Value, page.Find("[data-testid=error] p").TextContent));
        Assert.DoesNotContain("role consortium_admin required", page.Markup, StringComparison.Ordinal);
        Assert.Single(page.FindAll("[data-testid=institutions] tbody tr"));
    }

    [Fact]
    public void Another_role_sees_the_lists_but_no_form_and_no_edit_buttons()
    {
        SignInAs(Roles.ProcurementOfficer);
        Gateway.On<ListInstitutionsRequest, ListInstitutionsResponse>("ListInstitutions", _ => new() { Institutions = { Institution(revision: 1) } });
        Gateway.On<ListItemsRequest, ListItemsResponse>("ListItems", _ => new() { Items = { Item(revision: 1) } });

        var institutions = Render<InstitutionsPage>();
        var catalogue = Render<CataloguePage>();

        institutions.WaitForElement("[data-testid=institutions] tr[data-institution=kz-astana-childrens]");
        catalogue.WaitForElement("[data-testid=items] tr[data-item=tocilizumab-400]");
        Assert.Empty(institutions.FindAll("form"));
        Assert.Empty(institutions.FindAll("button[data-open]"));
        Assert.Empty(catalogue.FindAll("form"));
        Assert.Empty(Gateway.Requests<ListCountriesRequest>("ListCountries"));
    }

    [Fact]
    public void The_agreement_form_sends_both_countries_and_a_lead_time_only_with_shipment()
    {
        SignAgreementRequest? sent = null;
        var form = Render<SignAgreementForm>(p => p.Add(f => f.Countries, Members).Add(f => f.OnSubmit, (SignAgreementRequest r) => sent = r));

        Assert.NotNull(form.Find("#agreement-lead").GetAttribute("disabled"));
        form.Find("#agreement-first").Change("KZ");
        form.Find("#agreement-second").Change("UZ");
        form.Find("#agreement-shipment").Change(true);
        form.Find("#agreement-lead").Change("3");
        form.Find("#agreement-from").Change("2027-01-01");
        form.Find("form").Submit();

        Assert.Equal(["KZ", "UZ"], sent!.CountryCodes);
        Assert.Equal((true, true, 3, 2027), (sent.CrossBorderCare, sent.Shipment, sent.ShipmentLeadDays, sent.EffectiveFrom.Year));
        Assert.Null(sent.EndsOn);

        form.Find("#agreement-shipment").Change(false);
        form.Find("form").Submit();

        Assert.Equal(0, sent.ShipmentLeadDays);
    }

    [Fact]
    public async Task Ending_an_agreement_sends_its_last_day_with_the_revision_read()
    {
        SignInAs(Roles.ConsortiumAdmin);
        var agreement = new Agreement
        {
            AgreementId = "KZ-UZ",
            CountryCodes = { "KZ", "UZ" },
            CrossBorderCare = true,
            EffectiveFrom = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 },
            Revision = new Revision { Version = 2 },
        };
        Gateway.On<ListAgreementsRequest, ListAgreementsResponse>("ListAgreements", _ => new() { Agreements = { agreement } });
        Gateway.On<ListCountriesRequest, ListCountriesResponse>("ListCountries", _ => new() { Countries = { Members } });
        Gateway.On<EndAgreementRequest, Agreement>("EndAgreement", r => new Agreement(agreement) { EndsOn = r.EndsOn, Revision = new Revision { Version = 3 } });
        var page = Render<AgreementsPage>();
        page.WaitForElement("[data-testid=agreements] button[data-open=KZ-UZ]").Click();

        page.Find("#end-on").Change("2027-12-31");
        await page.Find("form.end-agreement").SubmitAsync();

        var sent = Gateway.Requests<EndAgreementRequest>("EndAgreement").Single();
        Assert.Equal(("KZ-UZ", 2L, 2027), (sent.AgreementId, sent.ExpectedRevision, sent.EndsOn.Year));
        page.WaitForAssertion(() => Assert.Equal("2027-12-31", page.Find("[data-testid=agreement-ends]").TextContent));
        Assert.Contains("KZ-UZ", page.Find("[data-testid=saved]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_product_is_registered_as_typed_and_its_details_are_read_when_opened()
    {
        SignInAs(Roles.ConsortiumAdmin);
        var product = new Product { ProductId = "obe-cel", Name = "Aucatzyl", TargetAntigen = "CD19", CellSource = CellSource.Autologous, Manufacturer = "Autolus", Revision = new Revision { Version = 1 } };
        Gateway.On<ListProductsRequest, ListProductsResponse>("ListProducts", _ => new());
        Gateway.On<ListProductsRequest, ListProductsResponse>("ListProducts", _ => new() { Products = { product } });
        Gateway.On<RegisterProductRequest, Product>("RegisterProduct", _ => product);
        Gateway.On<GetProductRequest, Product>("GetProduct", _ => product);
        var page = Render<ProductsPage>();
        page.WaitForElement("form.register-product");

        page.Find("#product-id").Change("obe-cel");
        page.Find("#product-name").Change("Aucatzyl");
        page.Find("#product-source").Change(CellSource.Autologous.ToString());
        page.Find("#product-manufacturer").Change(" Autolus ");
        await page.Find("form.register-product").SubmitAsync();

        var sent = Gateway.Requests<RegisterProductRequest>("RegisterProduct").Single();
        Assert.Equal(("obe-cel", "Aucatzyl", "CD19", CellSource.Autologous, "Autolus"), (sent.ProductId, sent.Name, sent.TargetAntigen, sent.CellSource, sent.Manufacturer));
        page.WaitForElement("[data-testid=products] button[data-open=obe-cel]").Click();
        page.WaitForAssertion(() => Assert.Contains("Autolus", page.Find("[data-testid=product-facts]").TextContent, StringComparison.Ordinal));
        Assert.Equal("obe-cel", Gateway.Requests<GetProductRequest>("GetProduct").Last().ProductId);
    }

    [Fact]
    public void A_new_catalogue_item_sends_its_supplier_rows_and_leaves_empty_ones_out()
    {
        RegisterItemRequest? sent = null;
        var form = Render<ItemForm>(p => p.Add(f => f.OnRegister, (RegisterItemRequest r) => sent = r));

        form.Find("#item-id").Change("prodigy-ts520");
        form.Find("#item-name").Change("CliniMACS Prodigy TS 520");
        form.Find("#item-category").Change(ItemCategory.TubingSet.ToString());
        form.Find("#item-unit").Change("box");
        form.Find("#item-pack-size").Change("10");
        form.Find("#item-pack-contents").Change("tubing set");
        form.Find("#supplier-id-0").Change("miltenyi");
        form.Find("#supplier-name-0").Change("Miltenyi Biotec");
        form.Find("#supplier-country-0").Change("de");
        form.Find("[data-testid=add-supplier]").Click();
        form.Find("form").Submit();

        Assert.Equal(("prodigy-ts520", ItemCategory.TubingSet, "box", 10, "tubing set"), (sent!.ItemId, sent.Category, sent.Unit, sent.PackSize, sent.PackContents));
        Assert.Equal(("miltenyi", "Miltenyi Biotec", "DE"), (sent.Suppliers.Single().SupplierId, sent.Suppliers.Single().Name, sent.Suppliers.Single().CountryCode));
    }

    [Fact]
    public async Task A_catalogue_edit_reads_the_item_sends_the_revision_and_shows_a_suppliers_violation_beside_its_row()
    {
        SignInAs(Roles.ConsortiumAdmin);
        var item = Item(revision: 5);
        Gateway.On<ListItemsRequest, ListItemsResponse>("ListItems", _ => new() { Items = { item } });
        Gateway.On<GetItemRequest, CatalogueItem>("GetItem", _ => item);
        Gateway.On<UpdateItemRequest, CatalogueItem>("UpdateItem", _ => throw Errors.BadRequest(("suppliers[1].country_code", "must be an ISO 3166-1 alpha-2 code")));
        var page = Render<CataloguePage>();
        page.WaitForElement("[data-testid=items] button[data-open=tocilizumab-400]").Click();
        page.WaitForAssertion(() => Assert.Equal("roche", page.Find("#supplier-id-0").GetAttribute("value")));
        Assert.NotNull(page.Find("#item-unit").GetAttribute("readonly"));

        page.Find("[data-testid=add-supplier]").Click();
        page.Find("#supplier-id-1").Change("biocad");
        page.Find("#supplier-name-1").Change("Biocad");
        page.Find("#supplier-country-1").Change("Russia");
        await page.Find("form.catalogue-item").SubmitAsync();

        var sent = Gateway.Requests<UpdateItemRequest>("UpdateItem").Single();
        Assert.Equal((5L, "tocilizumab-400"), (sent.ExpectedRevision, sent.ItemId));
        Assert.Equal(["roche", "biocad"], sent.Suppliers.Select(s => s.SupplierId));
        page.WaitForAssertion(() => Assert.Contains("ISO 3166-1", page.Find("#supplier-country-1-error").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("suppliers[1].country_code:", page.Find("[data-testid=error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_input_of_every_admin_form_has_its_own_label()
    {
        var forms = new[]
        {
            Render<AdmitCountryForm>().Find("form"),
            Render<InstitutionForm>(p => p.Add(f => f.Countries, Members)).Find("form"),
            Render<SignAgreementForm>(p => p.Add(f => f.Countries, Members)).Find("form"),
            Render<EndAgreementForm>(p => p.Add(f => f.Record, new Agreement { AgreementId = "KZ-UZ" })).Find("form"),
            Render<ProductForm>().Find("form"),
            Render<ItemForm>(p => p.Add(f => f.Record, Item(revision: 1))).Find("form"),
        };

        foreach (var form in forms)
        {
            var inputs = form.QuerySelectorAll("input, select");
            Assert.NotEmpty(inputs);
            Assert.All(inputs, input => Assert.Single(form.QuerySelectorAll($"label[for='{input.Id}']")));
        }
    }

    [Fact]
    public void The_landing_page_links_the_five_consoles_in_russian_too()
    {
        UseCulture("ru");

        var page = Render<AdminPage>();

        var links = page.FindAll("[data-testid=admin-links] a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["admin/members", "admin/institutions", "admin/agreements", "admin/products", "admin/catalogue"], links.Take(5));
        Assert.Equal("Каталог закупок", page.Find("a[href='admin/catalogue']").TextContent);
    }

    [Fact]
    public void What_changed_names_nested_fields_by_their_api_path_and_leaves_the_revision_out()
    {
        var before = Institution(revision: 1);
        var after = Institution(revision: 2);
        after.Accreditation.ValidUntil = new Google.Type.Date { Year = 2028, Month = 1, Day = 31 };
        after.Capabilities.IcuBeds = 12;

        var changes = Changes.Between(before, after);

        Assert.Equal(["accreditation.valid_until: 2027-06-30 → 2028-01-31", "capabilities.icu_beds: 8 → 12"], changes);
    }

    private void SignInAs(string role)
    {
        Auth.SetAuthorized("someone");
        Auth.SetClaims(new Claim(PlatformClaims.Role, role));
    }

    private static Institution Institution(long revision) => new()
    {
        InstitutionId = "kz-astana-childrens",
        Name = "Astana Children's Hospital",
        CountryCode = "KZ",
        Kind = InstitutionKind.TreatmentCentre,
        Accreditation = new Accreditation { Status = AccreditationStatus.Accredited, Body = "FACT-JACIE", ValidUntil = new Google.Type.Date { Year = 2027, Month = 6, Day = 30 } },
        Capabilities = new Capabilities { IcuBeds = 8, Apheresis = true },
        Revision = new Revision { Version = revision },
    };

    private static CatalogueItem Item(long revision) => new()
    {
        ItemId = "tocilizumab-400",
        Name = "Tocilizumab 400 mg",
        Category = ItemCategory.SupportiveMedicine,
        Unit = "pack",
        PackSize = 1,
        PackContents = "vial, 400 mg/20 mL",
        Suppliers = { new Supplier { SupplierId = "roche", Name = "Roche", CountryCode = "CH" } },
        Revision = new Revision { Version = revision },
    };
}
