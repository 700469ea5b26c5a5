using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using Xunit;
using static CarTConsortium.Approvals.Authorisations.AuthorisationStatus;

namespace CarTConsortium.Approvals.Tests.Domain;

/// <summary>The usage question: its input rules, and every reason an authorisation does not allow a use, at its boundary.</summary>
public sealed class UsageRulesTests
{
    private const string SlugRule = "must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit";

    /// <summary>A hospital exemption for r/r B-ALL, ages 3-25, at two institutions, from 2025-12-15 to 2027-12-14.</summary>
    private static readonly AuthorisationTerms Exemption = Given.Approved(Pathway.HospitalExemption).Terms;

    /// <summary>Inside every bound of <see cref="Exemption"/>.</summary>
    private static readonly UsageQuestion Fits = new(Given.ProductId, "KZ", 10, "r/r B-ALL", "kz-ncb-astana", Given.Today);

    private sealed record Ask(string? ProductId, string? CountryCode, int AgeYears, string? Indication, string? InstitutionId, DateParts? Date);

    private static readonly Ask ValidAsk = new("tisagenlecleucel", "KZ", 10, "r/r B-ALL", "kz-ncb-astana", new DateParts(2026, 3, 10));

    private static readonly Dictionary<string, (Ask Ask, string Field, string Description)> QuestionCases = new()
    {
        ["product_id not a slug"] = (ValidAsk with { ProductId = "Kymriah" }, "product_id", SlugRule),
        ["product_id missing"] = (ValidAsk with { ProductId = null }, "product_id", SlugRule),
        ["country_code lower case"] = (ValidAsk with { CountryCode = "kz" }, "country_code", "must be an ISO 3166-1 alpha-2 code in upper case, e.g. KZ"),
        ["country_code missing"] = (ValidAsk with { CountryCode = "" }, "country_code", "must be an ISO 3166-1 alpha-2 code in upper case, e.g. KZ"),
        ["age -1"] = (ValidAsk with { AgeYears = -1 }, "age_years", "must be 0-120"),
        ["age 121"] = (ValidAsk with { AgeYears = 121 }, "age_years", "must be 0-120"),
        ["indication missing"] = (ValidAsk with { Indication = null }, "indication", "is required"),
        ["indication blank"] = (ValidAsk with { Indication = "   " }, "indication", "is required"),
        ["indication of 101"] = (ValidAsk with { Indication = new string('i', 101) }, "indication", "must be at most 100 characters"),
        ["institution_id not a slug"] = (ValidAsk with { InstitutionId = "NCB Astana" }, "institution_id", SlugRule),
        ["institution_id missing"] = (ValidAsk with { InstitutionId = null }, "institution_id", SlugRule),
        ["date missing"] = (ValidAsk with { Date = null }, "date", "is required: year, month and day"),
        ["date a month only"] = (ValidAsk with { Date = new DateParts(2026, 3, 0) }, "date", "is required: year, month and day"),
        ["date 31 April"] = (ValidAsk with { Date = new DateParts(2026, 4, 31) }, "date", "is not a calendar date"),
    };

    public static TheoryData<string> QuestionCaseNames => new(QuestionCases.Keys);

    [Theory]
    [MemberData(nameof(QuestionCaseNames))]
    public void A_question_breaking_one_rule_reports_that_field_only(string name)
    {
        var (ask, field, description) = QuestionCases[name];

        Assert.Equal(new FieldViolation(field, description), Given.Violation(() => Check(ask)));
    }

    [Fact]
    public void A_valid_question_is_kept_with_its_indication_trimmed_and_every_bad_field_is_reported_at_once()
    {
        Assert.Equal(Fits with { ProductId = "tisagenlecleucel" }, Check(ValidAsk with { Indication = " r/r B-ALL " }));
        Assert.Equal(0, Check(ValidAsk with { AgeYears = 0 }).AgeYears);
        Assert.Equal(120, Check(ValidAsk with { AgeYears = 120 }).AgeYears);
        Assert.Equal(["product_id", "country_code", "age_years", "indication", "institution_id", "date"],
            Given.Violations(() => Check(new Ask(null, null, -1, null, null, null))).Select(v => v.Field));
    }

    [Fact]
    public void A_use_inside_every_bound_is_allowed()
    {
        Assert.Empty(UsageRules.ReasonsAgainst(Exemption, Fits, null));
        Assert.Empty(UsageRules.ReasonsAgainst(Given.ConditionallyApproved(Pathway.HospitalExemption).Terms, Fits, null));
    }

    [Theory]
    [InlineData(2, "It covers patients from 3 years of age; the patient is 2.")]
    [InlineData(3, null)]
    [InlineData(25, null)]
    [InlineData(26, "It covers patients up to 25 years of age; the patient is 26.")]
    public void The_age_range_includes_both_ends(int age, string? reason)
    {
        Assert.Equal(Reasons(reason), UsageRules.ReasonsAgainst(Exemption, Fits with { AgeYears = age }, null));
    }

    [Fact]
    public void Without_an_upper_age_any_age_from_the_lowest_is_covered()
    {
        var open = Exemption with { Scope = Exemption.Scope with { MaxAgeYears = null } };

        Assert.Empty(UsageRules.ReasonsAgainst(open, Fits with { AgeYears = 120 }, null));
    }

    [Theory]
    [InlineData(-1, "It takes effect on 2025-12-15, after 2025-12-14.")]
    [InlineData(0, null)]
    public void It_allows_use_from_its_first_day(int daysFromEffective, string? reason)
    {
        Assert.Equal(Reasons(reason), UsageRules.ReasonsAgainst(Exemption, Fits with { Date = Given.Effective.AddDays(daysFromEffective) }, null));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, "It held until 2027-12-14, before 2027-12-15.")]
    public void It_allows_use_up_to_its_last_day(int daysAfterExpiry, string? reason)
    {
        Assert.Equal(Reasons(reason), UsageRules.ReasonsAgainst(Exemption, Fits with { Date = Given.Expires.AddDays(daysAfterExpiry) }, null));
    }

    [Theory]
    [InlineData("r/r B-ALL", null)]
    [InlineData("R/R b-all", null)]
    [InlineData("  r/r B-ALL  ", null)]
    [InlineData("r/r B-ALL, CNS relapse", "It covers r/r B-ALL, not r/r B-ALL, CNS relapse.")]
    [InlineData("DLBCL", "It covers r/r B-ALL, not DLBCL.")]
    public void The_indication_matches_without_regard_to_case_or_surrounding_spaces(string indication, string? reason)
    {
        Assert.Equal(Reasons(reason), UsageRules.ReasonsAgainst(Exemption, Fits with { Indication = indication }, null));
    }

    [Theory]
    [InlineData(Pathway.HospitalExemption, "kz-astana-childrens", null)]
    [InlineData(Pathway.HospitalExemption, "kz-ncb-astana", null)]
    [InlineData(Pathway.HospitalExemption, "kz-karaganda-regional", "It covers use at kz-astana-childrens, kz-ncb-astana only, not at kz-karaganda-regional.")]
    [InlineData(Pathway.ClinicalTrial, "kz-karaganda-regional", "It covers use at kz-astana-childrens, kz-ncb-astana only, not at kz-karaganda-regional.")]
    [InlineData(Pathway.ClinicalTrial, "kz-ncb-astana", null)]
    [InlineData(Pathway.MarketingAuthorisation, "kz-karaganda-regional", null)]
    [InlineData(Pathway.Conditional, "kz-karaganda-regional", null)]
    [InlineData(Pathway.CompassionateUse, "kz-karaganda-regional", null)]
    public void Only_an_exemption_or_a_trial_is_bound_to_its_institutions(Pathway pathway, string institution, string? reason)
    {
        Assert.Equal(Reasons(reason), UsageRules.ReasonsAgainst(Given.Approved(pathway).Terms, Fits with { InstitutionId = institution }, null));
    }

    [Theory]
    [InlineData("Planned", "It is only planned: nothing is submitted yet.")]
    [InlineData("Submitted", "It is submitted and not yet decided.")]
    [InlineData("UnderReview", "It is under review and not yet decided.")]
    [InlineData("Rejected", "It was rejected.")]
    [InlineData("Withdrawn", "It was withdrawn.")]
    [InlineData("Suspended from Approved", "It is suspended.")]
    [InlineData("Suspended from ConditionallyApproved", "It is suspended.")]
    [InlineData("Expired", "It has expired.")]
    public void Only_an_approval_allows_use(string status, string reason)
    {
        var candidate = Given.Each[status]().Terms;
        // Expired: asked on its last day, so the status alone speaks.
        var question = Fits with { Date = Given.Expires };

        Assert.Equal([reason], UsageRules.ReasonsAgainst(candidate, question, null));
    }

    [Fact]
    public void A_breakthrough_designation_allows_no_use()
    {
        Assert.Equal(["It is a breakthrough designation: it speeds review but allows no use by itself."],
            UsageRules.ReasonsAgainst(Given.Approved(Pathway.BreakthroughDesignation).Terms, Fits, null));
    }

    [Fact]
    public void Another_product_or_country_is_named_though_the_use_case_should_not_ask()
    {
        Assert.Equal(["It authorises tisagenlecleucel, not nexcar19."], UsageRules.ReasonsAgainst(Exemption, Fits with { ProductId = "nexcar19" }, null));
        Assert.Equal(["It applies in KZ, not in UZ."], UsageRules.ReasonsAgainst(Exemption, Fits with { CountryCode = "UZ" }, null));
    }

    [Fact]
    public void Every_reason_that_applies_is_given_in_order()
    {
        var suspended = Given.Suspended(Approved).Terms with { Pathway = Pathway.HospitalExemption, Scope = Exemption.Scope };
        var question = new UsageQuestion("nexcar19", "UZ", 30, "DLBCL", "uz-tashkent", Given.Expires.AddDays(1));

        Assert.Equal(
        [
            "It authorises tisagenlecleucel, not nexcar19.",
            "It applies in KZ, not in UZ.",
            "It is suspended.",
            "It held until 2027-12-14, before 2027-12-15.",
            "It covers patients up to 25 years of age; the patient is 30.",
            "It covers r/r B-ALL, not DLBCL.",
            "It covers use at kz-astana-childrens, kz-ncb-astana only, not at uz-tashkent.",
        ], UsageRules.ReasonsAgainst(suspended, question, null));
    }

    // Reliance: the national decision holds while its reference does.

    private const string ReferenceId = "tisagenlecleucel.US.MarketingAuthorisation";

    private static readonly AuthorisationTerms Reliance = Given.Approved(Pathway.Reliance).Terms;

    /// <summary>The FDA's approval, in force from 2017-08-30 to 2027-06-30: inside Reliance's window at one end, not at the other.</summary>
    private static readonly AuthorisationTerms Reference = Authorisation.Record(Given.ProductId, "US", Authority.Fda, Pathway.MarketingAuthorisation, Given.Scope, null, Given.Now)
        .ChangeStatus(Submitted, DateParts.Of(new DateOnly(2017, 2, 1)), null, null, null, Given.Today)
        .ChangeStatus(UnderReview, null, null, null, null, Given.Today)
        .ChangeStatus(Approved, null, DateParts.Of(new DateOnly(2017, 8, 30)), null, DateParts.Of(new DateOnly(2027, 6, 30)), Given.Today).Terms;

    [Fact]
    public void A_reliance_on_an_approval_in_force_allows_use()
    {
        Assert.Equal(ReferenceId, Reference.AuthorisationId);
        Assert.Empty(UsageRules.ReasonsAgainst(Reliance, Fits, Reference));
        Assert.Empty(UsageRules.ReasonsAgainst(Reliance, Fits, Reference with { Status = ConditionallyApproved }));
    }

    [Fact]
    public void A_reliance_on_a_reference_not_tracked_allows_no_use()
    {
        Assert.Equal([$"It relies on {ReferenceId}, which is not tracked here."], UsageRules.ReasonsAgainst(Reliance, Fits, null));
    }

    [Theory]
    [InlineData(Planned, "is only planned: nothing is submitted yet")]
    [InlineData(Submitted, "is submitted and not yet decided")]
    [InlineData(UnderReview, "is under review and not yet decided")]
    [InlineData(Rejected, "was rejected")]
    [InlineData(Withdrawn, "was withdrawn")]
    [InlineData(Suspended, "is suspended")]
    [InlineData(Expired, "has expired")]
    public void A_reliance_on_a_reference_that_is_no_approval_allows_no_use(AuthorisationStatus status, string standing)
    {
        Assert.Equal([$"It relies on {ReferenceId}, which {standing}."], UsageRules.ReasonsAgainst(Reliance, Fits, Reference with { Status = status }));
    }

    [Theory]
    [InlineData(2027, 6, 30, null)]
    [InlineData(2027, 7, 1, $"It relies on {ReferenceId}, which held until 2027-06-30 only.")]
    public void A_reliance_holds_no_longer_than_its_reference(int year, int month, int day, string? reason)
    {
        Assert.Equal(Reasons(reason), UsageRules.ReasonsAgainst(Reliance, Fits with { Date = new DateOnly(year, month, day) }, Reference));
    }

    [Theory]
    [InlineData(2026, 3, 9, $"It relies on {ReferenceId}, which takes effect only on 2026-03-10.")]
    [InlineData(2026, 3, 10, null)]
    public void A_reliance_holds_no_earlier_than_its_reference(int year, int month, int day, string? reason)
    {
        var lateReference = Reference with { EffectiveOn = new DateOnly(2026, 3, 10) };

        Assert.Equal(Reasons(reason), UsageRules.ReasonsAgainst(Reliance, Fits with { Date = new DateOnly(year, month, day) }, lateReference));
    }

    [Fact]
    public void A_reliance_on_a_designation_or_on_another_product_allows_no_use()
    {
        Assert.Equal([$"It relies on {ReferenceId}, a breakthrough designation, which allows no use."],
            UsageRules.ReasonsAgainst(Reliance, Fits, Reference with { Pathway = Pathway.BreakthroughDesignation }));
        Assert.Equal([$"It relies on {ReferenceId}, which authorises another product (nexcar19)."],
            UsageRules.ReasonsAgainst(Reliance, Fits, Reference with { ProductId = "nexcar19" }));
    }

    [Fact]
    public void The_reference_given_must_be_the_one_named()
    {
        Assert.Throws<ArgumentException>(() => UsageRules.ReasonsAgainst(Reliance, Fits, Reference with { AuthorisationId = "tisagenlecleucel.EU.MarketingAuthorisation" }));
        Assert.Throws<ArgumentException>(() => UsageRules.ReasonsAgainst(Exemption, Fits, Reference));
    }

    private static string[] Reasons(string? reason) => reason is null ? [] : [reason];

    private static UsageQuestion Check(Ask ask) =>
        UsageRules.Check(ask.ProductId, ask.CountryCode, ask.AgeYears, ask.Indication, ask.InstitutionId, ask.Date);
}
