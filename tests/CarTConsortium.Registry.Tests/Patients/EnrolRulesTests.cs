using System.Text.Json;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

public sealed class EnrolRulesTests
{
    private const string SlugRule = "must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit";
    private const string CountryRule = "must be an ISO 3166-1 alpha-2 code in upper case, e.g. KZ";
    private const string Future = "must not be in the future";
    private const string FortyYears = "must be at most 40 years back";

    /// <summary>Everything a caller sends to enrol a patient.</summary>
    private sealed record Draft(
        string NationalId, string CountryCode, string TreatingInstitutionId, int BirthYear, int BirthMonth,
        Sex? Sex, DiseaseStatus? DiseaseStatus, Cd19Status? Cd19Status, int PriorLines, Consents Consents);

    private static readonly Draft Valid = new(NationalId, "KZ", Astana, 2016, 5, Sex.Female, DiseaseStatus.Relapsed, Cd19Status.Positive, 2, RegistryOnly);

    // Each case breaks exactly one rule of the valid draft, and names the one violation that must be reported.
    // Today is 2026-03-10, so birth months from 1986-03 to 2026-03 pass.
    private static readonly Dictionary<string, (Func<Draft, Draft> Break, string Field, string Description)> Cases = new()
    {
        ["national_id empty"] = (d => d with { NationalId = "" }, "national_id", "is required"),
        ["national_id whitespace"] = (d => d with { NationalId = "  " }, "national_id", "is required"),
        ["national_id null"] = (d => d with { NationalId = null! }, "national_id", "is required"),
        ["national_id of 3"] = (d => d with { NationalId = "1-2 3" }, "national_id", Pseudonymiser.NationalIdRule),
        ["national_id of 33"] = (d => d with { NationalId = new string('7', 33) }, "national_id", Pseudonymiser.NationalIdRule),
        ["national_id with a slash"] = (d => d with { NationalId = "0101/50500123" }, "national_id", Pseudonymiser.NationalIdRule),
        ["national_id Cyrillic"] = (d => d with { NationalId = "АБ1234567" }, "national_id", Pseudonymiser.NationalIdRule),
        ["country_code lower case"] = (d => d with { CountryCode = "kz" }, "country_code", CountryRule),
        ["country_code of 3"] = (d => d with { CountryCode = "KAZ" }, "country_code", CountryRule),
        ["country_code empty"] = (d => d with { CountryCode = "" }, "country_code", CountryRule),
        ["treating_institution_id empty"] = (d => d with { TreatingInstitutionId = "" }, "treating_institution_id", SlugRule),
        ["treating_institution_id upper case"] = (d => d with { TreatingInstitutionId = "KZ-NCB" }, "treating_institution_id", SlugRule),
        ["birth_year missing"] = (d => d with { BirthYear = 0 }, "birth_year", "is required"),
        ["birth_year next year"] = (d => d with { BirthYear = 2027, BirthMonth = 1 }, "birth_year", Future),
        ["birth_year 41 years back"] = (d => d with { BirthYear = 1985, BirthMonth = 12 }, "birth_year", FortyYears),
        ["birth_year negative"] = (d => d with { BirthYear = -2016 }, "birth_year", FortyYears),
        ["birth_month missing"] = (d => d with { BirthMonth = 0 }, "birth_month", "must be 1-12"),
        ["birth_month 13"] = (d => d with { BirthMonth = 13 }, "birth_month", "must be 1-12"),
        ["birth_month negative"] = (d => d with { BirthMonth = -1 }, "birth_month", "must be 1-12"),
        ["birth_month next month"] = (d => d with { BirthYear = 2026, BirthMonth = 4 }, "birth_month", Future),
        ["birth_month 40 years and a month back"] = (d => d with { BirthYear = 1986, BirthMonth = 2 }, "birth_month", FortyYears),
        ["sex unspecified"] = (d => d with { Sex = null }, "sex", "must be FEMALE or MALE"),
        ["diagnosis.disease_status unspecified"] = (d => d with { DiseaseStatus = null }, "diagnosis.disease_status", "must be RELAPSED or REFRACTORY"),
        ["diagnosis.cd19_status unspecified"] = (d => d with { Cd19Status = null }, "diagnosis.cd19_status", "must be POSITIVE or NEGATIVE"),
        ["diagnosis.prior_lines negative"] = (d => d with { PriorLines = -1 }, "diagnosis.prior_lines", "must be 0-15"),
        ["diagnosis.prior_lines 16"] = (d => d with { PriorLines = 16 }, "diagnosis.prior_lines", "must be 0-15"),
        ["consents.registry not given"] = (d => d with { Consents = Withdrawn }, "consents.registry",
            "must be given to enrol: without registry consent nothing may be kept"),
    };

    public static TheoryData<string> SingleRuleCases => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(SingleRuleCases))]
    public void Each_broken_rule_alone_is_reported_on_its_field_only(string name)
    {
        var (breakRule, field, description) = Cases[name];

        var violation = Assert.Single(Violations(breakRule(Valid)));

        Assert.Equal(new FieldViolation(field, description), violation);
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once_in_field_order()
    {
        var draft = new Draft("", "", "", 0, 0, null, null, null, -1, new Consents(false, true, true));

        Assert.Equal(
            ["national_id", "country_code", "treating_institution_id", "birth_year", "birth_month", "sex",
                "diagnosis.disease_status", "diagnosis.cd19_status", "diagnosis.prior_lines",
                "consents.registry", "consents.cross_border_sharing", "consents.research"],
            Violations(draft).Select(v => v.Field));
    }

    [Theory]
    [InlineData(false, true, false, "consents.cross_border_sharing")]
    [InlineData(false, false, true, "consents.research")]
    public void Sharing_or_research_without_registry_consent_is_reported_beside_it(bool registry, bool crossBorder, bool research, string field)
    {
        var violations = Violations(Valid with { Consents = new Consents(registry, crossBorder, research) });

        Assert.Equal([new FieldViolation("consents.registry", "must be given to enrol: without registry consent nothing may be kept"),
            new FieldViolation(field, "needs registry consent")], violations);
    }

    [Theory]
    [InlineData(2026, 3)] // this month
    [InlineData(2026, 1)]
    [InlineData(2025, 12)]
    [InlineData(1986, 3)] // exactly 40 years back
    [InlineData(1986, 12)]
    [InlineData(1987, 1)]
    public void Birth_months_from_40_years_back_to_this_month_pass(int year, int month)
    {
        var record = Enrol(Valid with { BirthYear = year, BirthMonth = month });

        Assert.Equal((year, month), (record.BirthYear, record.BirthMonth));
    }

    [Fact]
    public void The_birth_month_may_be_this_month_at_the_last_moment_of_the_month()
    {
        // 2026-03-31 10:00 UTC is already 2026-04-01 at UTC+14: April is no longer in the future.
        var lateInMarch = new DateTimeOffset(2026, 3, 31, 10, 0, 0, TimeSpan.Zero);

        var record = PatientRecord.Enrol(Pseudonyms, NationalId, "KZ", Astana, 2026, 4, Sex.Male, DiseaseStatus.Refractory, Cd19Status.Negative, 0, RegistryOnly, lateInMarch);

        Assert.Equal(4, record.BirthMonth);
        Assert.Throws<InvalidArgumentException>(() =>
            PatientRecord.Enrol(Pseudonyms, NationalId, "KZ", Astana, 2026, 4, Sex.Male, DiseaseStatus.Refractory, Cd19Status.Negative, 0, RegistryOnly, lateInMarch.AddHours(-1)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    public void Prior_lines_from_0_to_15_pass(int priorLines)
    {
        Assert.Equal(priorLines, Enrol(Valid with { PriorLines = priorLines }).Diagnosis.PriorLines);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, true)]
    public void Any_consents_with_registry_consent_enrol(bool registry, bool crossBorder, bool research)
    {
        var consents = new Consents(registry, crossBorder, research);

        Assert.Equal(consents, Enrol(Valid with { Consents = consents }).Consents);
    }

    [Fact]
    public void A_valid_patient_is_enrolled_under_the_pseudonym_of_the_identifier_with_nothing_recorded()
    {
        var record = Enrol(Valid);

        Assert.Equal(Pseudonyms.Derive("KZ", NationalId), record.Pseudonym);
        Assert.Equal("KZ", record.CountryCode);
        Assert.Equal(Astana, record.TreatingInstitutionId);
        Assert.Equal((2016, 5, Sex.Female), (record.BirthYear, record.BirthMonth, record.Sex));
        Assert.Equal(new Diagnosis(DiseaseStatus.Relapsed, Cd19Status.Positive, 2), record.Diagnosis);
        Assert.Equal(RegistryOnly, record.Consents);
        Assert.Empty(record.Infusions);
        Assert.Empty(record.Outcomes);
        Assert.Equal(Now, record.EnrolledAt);
        Assert.Equal(Now, record.ConsentsChangedAt);
        Assert.False(record.IsFrozen);
    }

    [Fact]
    public void A_foreign_identifier_is_pseudonymised_with_its_own_country_secret()
    {
        var record = Enrol(Valid with { CountryCode = "UZ", TreatingInstitutionId = Astana });

        Assert.Equal(Pseudonyms.Derive("UZ", NationalId), record.Pseudonym);
        Assert.Equal("UZ", record.CountryCode);
    }

    [Fact]
    public void The_identifier_is_kept_nowhere_in_the_record()
    {
        var record = Enrol(Valid with { NationalId = "N 1234-5678" });

        var json = JsonSerializer.Serialize(record, DocumentJson.Options);
        foreach (var form in new[] { "N 1234-5678", "N12345678", "12345678", "1234" })
        {
            Assert.DoesNotContain(form, json, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(form, record.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void A_country_without_a_secret_is_refused_after_the_fields_pass_and_without_the_identifier()
    {
        var refused = Assert.Throws<RuleViolationException>(() => Enrol(Valid with { CountryCode = "KG", NationalId = "98765-43210" }));

        Assert.Contains("KG", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("9876543210", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("98765", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_fields_come_before_a_missing_secret()
    {
        var invalid = Assert.Single(Violations(Valid with { CountryCode = "KG", PriorLines = 16 }));

        Assert.Equal("diagnosis.prior_lines", invalid.Field);
    }

    [Fact]
    public void Enrolling_the_same_child_twice_gives_the_same_pseudonym_so_the_store_can_refuse_it()
    {
        Assert.Equal(Enrol(Valid).Pseudonym, Enrol(Valid with { NationalId = "010150500123", TreatingInstitutionId = Almaty }).Pseudonym);
    }

    private static PatientRecord Enrol(Draft d) =>
        PatientRecord.Enrol(Pseudonyms, d.NationalId, d.CountryCode, d.TreatingInstitutionId, d.BirthYear, d.BirthMonth,
            d.Sex, d.DiseaseStatus, d.Cd19Status, d.PriorLines, d.Consents, Now);

    private static IReadOnlyList<FieldViolation> Violations(Draft draft)
    {
        var invalid = Assert.Throws<InvalidArgumentException>(() => Enrol(draft));
        Assert.DoesNotContain("0101", invalid.Message, StringComparison.Ordinal);
        return invalid.Violations;
    }
}
