using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Members;
using Xunit;

namespace CarTConsortium.Registry.Tests.Members;

/// <summary>The input rules of countries, agreements and institutions: each case breaks one rule and names its one violation.</summary>
public sealed class MemberRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateParts March1 = new(2026, 3, 1);

    private sealed record AgreementDraft(string[] Codes, bool Care, bool Shipment, int LeadDays, DateParts? From, DateParts? Ends);

    private static readonly AgreementDraft ValidAgreement = new(["UZ", "KZ"], true, true, 3, March1, null);

    private static readonly Dictionary<string, (Func<AgreementDraft, AgreementDraft> Break, string Field)> AgreementCases = new()
    {
        ["one country"] = (d => d with { Codes = ["KZ"] }, "country_codes"),
        ["three countries"] = (d => d with { Codes = ["KZ", "UZ", "KG"] }, "country_codes"),
        ["the same country twice"] = (d => d with { Codes = ["KZ", "KZ"] }, "country_codes"),
        ["a lower-case code"] = (d => d with { Codes = ["KZ", "uz"] }, "country_codes[1]"),
        ["a three-letter code"] = (d => d with { Codes = ["KAZ", "UZ"] }, "country_codes[0]"),
        ["a code with a trailing newline"] = (d => d with { Codes = ["KZ\n", "UZ"] }, "country_codes[0]"),
        ["covers nothing"] = (d => d with { Care = false, Shipment = false, LeadDays = 0 }, "cross_border_care"),
        ["shipment without lead time"] = (d => d with { LeadDays = 0 }, "shipment_lead_days"),
        ["shipment lead of 61 days"] = (d => d with { LeadDays = 61 }, "shipment_lead_days"),
        ["lead time without shipment"] = (d => d with { Shipment = false }, "shipment_lead_days"),
        ["no effective date"] = (d => d with { From = null }, "effective_from"),
        ["effective 30 February"] = (d => d with { From = new DateParts(2026, 2, 30) }, "effective_from"),
        ["ends before it starts"] = (d => d with { Ends = new DateParts(2026, 2, 28) }, "ends_on"),
        ["ends on a month, no day"] = (d => d with { Ends = new DateParts(2026, 5, 0) }, "ends_on"),
    };

    public static TheoryData<string> AgreementCaseNames => new(AgreementCases.Keys);

    [Theory]
    [MemberData(nameof(AgreementCaseNames))]
    public void An_agreement_breaking_one_rule_reports_that_field_only(string name)
    {
        var (breakRule, field) = AgreementCases[name];
        var d = breakRule(ValidAgreement);

        var error = Assert.Throws<InvalidArgumentException>(() => Agreement.Sign(d.Codes, d.Care, d.Shipment, d.LeadDays, d.From, d.Ends, Now));

        Assert.Equal(field, Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void An_agreement_orders_its_countries_and_is_named_by_the_pair()
    {
        var agreement = Agreement.Sign(["UZ", "KZ"], true, true, 3, March1, new DateParts(2026, 3, 1), Now);

        Assert.Equal("KZ-UZ", agreement.AgreementId);
        Assert.Equal(["KZ", "UZ"], agreement.CountryCodes);
        Assert.Equal(new DateOnly(2026, 3, 1), agreement.EndsOn);
        Assert.Equal(Agreement.IdOf("UZ", "KZ"), Agreement.IdOf("KZ", "UZ"));
    }

    [Theory]
    [InlineData(2026, 2, 28, false)]
    [InlineData(2026, 3, 1, true)]
    [InlineData(2026, 12, 31, true)]
    [InlineData(2027, 1, 1, false)]
    public void An_agreement_is_in_force_from_its_first_to_its_last_day(int year, int month, int day, bool inForce)
    {
        var agreement = Agreement.Sign(["KZ", "UZ"], true, false, 0, March1, new DateParts(2026, 12, 31), Now);

        Assert.Equal(inForce, agreement.IsInForceOn(new DateOnly(year, month, day)));
    }

    [Fact]
    public void Ending_checks_the_day_and_an_ended_agreement_stays_ended()
    {
        var agreement = Agreement.Sign(["KZ", "UZ"], true, false, 0, March1, null, Now);

        Assert.Equal("ends_on", Assert.Single(Assert.Throws<InvalidArgumentException>(() => agreement.End(new DateParts(2026, 2, 1), new DateOnly(2026, 3, 10))).Violations).Field);
        Assert.Equal("ends_on", Assert.Single(Assert.Throws<InvalidArgumentException>(() => agreement.End(null, new DateOnly(2026, 3, 10))).Violations).Field);
        var ended = agreement.End(new DateParts(2026, 3, 1), new DateOnly(2026, 3, 10));
        Assert.Equal(new DateOnly(2026, 3, 1), ended.EndsOn);
        Assert.Throws<RuleViolationException>(() => ended.End(new DateParts(2026, 6, 1), new DateOnly(2026, 3, 10)));
        // Ending on its last day is still possible while that day has not passed.
        Assert.Equal(new DateOnly(2026, 3, 20), ended.End(new DateParts(2026, 3, 20), new DateOnly(2026, 3, 1)).EndsOn);
    }

    [Theory]
    [InlineData("kz", "Kazakhstan", Membership.Member, "country_code")]
    [InlineData("KZ", " ", Membership.Member, "name")]
    [InlineData("KZ", "Kazakhstan", null, "membership")]
    public void A_country_breaking_one_rule_reports_that_field(string code, string name, Membership? membership, string field)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Country.Admit(code, name, membership, Now));

        Assert.Equal(field, Assert.Single(error.Violations).Field);
    }

    private sealed record InstitutionDraft(string Id, string Name, string Country, InstitutionKind? Kind, Institution.AccreditationInput? Accreditation, Capabilities? Capabilities, string? Hub);

    private static readonly InstitutionDraft ValidSite = new("kz-ncb-astana", "National Center for Biotechnology", "KZ", InstitutionKind.ManufacturingSite,
        new Institution.AccreditationInput(AccreditationStatus.Accredited, "national GMP inspectorate", new DateParts(2027, 6, 30)), new Capabilities(2, 0, false), null);

    private static readonly Dictionary<string, (Func<InstitutionDraft, InstitutionDraft> Break, string Field)> InstitutionCases = new()
    {
        ["id upper case"] = (d => d with { Id = "KZ-NCB" }, "institution_id"),
        ["no name"] = (d => d with { Name = "" }, "name"),
        ["name of 201"] = (d => d with { Name = new string('n', 201) }, "name"),
        ["country lower case"] = (d => d with { Country = "kz" }, "country_code"),
        ["no kind"] = (d => d with { Kind = null }, "kind"),
        ["no accreditation"] = (d => d with { Accreditation = null }, "accreditation.status"),
        ["accreditation status unspecified"] = (d => d with { Accreditation = d.Accreditation! with { Status = null } }, "accreditation.status"),
        ["accredited by nobody"] = (d => d with { Accreditation = d.Accreditation! with { Body = " " } }, "accreditation.body"),
        ["accredited without end"] = (d => d with { Accreditation = d.Accreditation! with { ValidUntil = null } }, "accreditation.valid_until"),
        ["accredited until 31 June"] = (d => d with { Accreditation = d.Accreditation! with { ValidUntil = new DateParts(2027, 6, 31) } }, "accreditation.valid_until"),
        ["no accreditation, yet a body"] = (d => d with { Accreditation = new(AccreditationStatus.None, "FACT", null) }, "accreditation.body"),
        ["no accreditation, yet an end"] = (d => d with { Accreditation = new(AccreditationStatus.None, "", new DateParts(2027, 1, 1)) }, "accreditation.valid_until"),
        ["a site without lines"] = (d => d with { Capabilities = new Capabilities(0, 0, false) }, "capabilities.production_lines"),
        ["101 lines"] = (d => d with { Capabilities = new Capabilities(101, 0, false) }, "capabilities.production_lines"),
        ["negative ICU beds"] = (d => d with { Capabilities = new Capabilities(2, -1, false) }, "capabilities.icu_beds"),
        ["501 ICU beds"] = (d => d with { Capabilities = new Capabilities(2, 501, false) }, "capabilities.icu_beds"),
        ["its own hub"] = (d => d with { Hub = "kz-ncb-astana" }, "hub_institution_id"),
        ["hub not a slug"] = (d => d with { Hub = "Astana Hub" }, "hub_institution_id"),
    };

    public static TheoryData<string> InstitutionCaseNames => new(InstitutionCases.Keys);

    [Theory]
    [MemberData(nameof(InstitutionCaseNames))]
    public void An_institution_breaking_one_rule_reports_that_field_only(string name)
    {
        var (breakRule, field) = InstitutionCases[name];
        var d = breakRule(ValidSite);

        var error = Assert.Throws<InvalidArgumentException>(() => Institution.Register(d.Id, d.Name, d.Country, d.Kind, d.Accreditation, d.Capabilities, d.Hub, Now));

        Assert.Equal(field, Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void A_valid_institution_is_kept_trimmed_and_without_an_empty_hub()
    {
        var site = Institution.Register(ValidSite.Id, " National Center for Biotechnology ", "KZ", InstitutionKind.ManufacturingSite,
            ValidSite.Accreditation! with { Body = " national GMP inspectorate " }, ValidSite.Capabilities, "", Now);

        Assert.Equal("National Center for Biotechnology", site.Name);
        Assert.Equal(new Accreditation(AccreditationStatus.Accredited, "national GMP inspectorate", new DateOnly(2027, 6, 30)), site.Accreditation);
        Assert.Null(site.HubInstitutionId);
    }

    [Fact]
    public void A_hospital_needs_no_production_line_and_an_unaccredited_one_no_body()
    {
        var spoke = Institution.Register("kz-karaganda-regional", "Karaganda Regional Children's Hospital", "KZ", InstitutionKind.ReferralHospital,
            new Institution.AccreditationInput(AccreditationStatus.None, null, null), null, "kz-astana-childrens", Now);

        Assert.Equal(new Capabilities(0, 0, false), spoke.Capabilities);
        Assert.Equal(new Accreditation(AccreditationStatus.None, "", null), spoke.Accreditation);
        Assert.Equal("kz-astana-childrens", spoke.HubInstitutionId);
    }

    [Fact]
    public void Updating_keeps_id_country_and_kind()
    {
        var site = Institution.Register(ValidSite.Id, ValidSite.Name, "KZ", InstitutionKind.ManufacturingSite, ValidSite.Accreditation, ValidSite.Capabilities, null, Now);

        var updated = site.Update("NCB Astana", ValidSite.Accreditation, new Capabilities(4, 0, true), null);

        Assert.Equal(site with { Name = "NCB Astana", Capabilities = new Capabilities(4, 0, true) }, updated);
        Assert.Equal("capabilities.production_lines", Assert.Single(Assert.Throws<InvalidArgumentException>(() =>
            site.Update("NCB Astana", ValidSite.Accreditation, new Capabilities(0, 0, true), null)).Violations).Field);
    }
}
