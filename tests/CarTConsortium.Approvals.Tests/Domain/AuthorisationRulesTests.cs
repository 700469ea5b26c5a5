using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using Xunit;

namespace CarTConsortium.Approvals.Tests.Domain;

/// <summary>The input rules of recording an authorisation: each case breaks one rule and names its one violation.</summary>
public sealed class AuthorisationRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    private const string SlugRule = "must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit";
    private const string JurisdictionRule = "must be an ISO 3166-1 alpha-2 code in upper case (e.g. KZ) or EU";
    private const string MaxAgeRule = "must be 0 (no upper bound) or from min_age_years to 120";
    private const string ReferenceId = "tisagenlecleucel.US.MarketingAuthorisation";

    /// <summary>Everything a caller sends to start tracking an authorisation.</summary>
    private sealed record Draft(string ProductId, string Jurisdiction, Authority? Authority, Pathway? Pathway, ScopeInput? Scope, string? Reference);

    private static readonly ScopeInput AtTwoHospitals = new("r/r B-ALL", 3, 25, ["kz-ncb-astana", "kz-astana-childrens"]);

    private static readonly Draft Valid = new("ncb-cd19-academic", "KZ", Authority.National, Pathway.HospitalExemption, AtTwoHospitals, null);

    private static readonly Draft ValidReliance = new("tisagenlecleucel", "KZ", Authority.National, Pathway.Reliance, AtTwoHospitals with { InstitutionIds = [] }, ReferenceId);

    private static Draft WithScope(Draft draft, Func<ScopeInput, ScopeInput> change) => draft with { Scope = change(draft.Scope!) };

    // Each case breaks exactly one rule of a valid draft, and names the one violation that must be reported.
    private static readonly Dictionary<string, (Func<Draft> Draft, string Field, string Description)> Cases = new()
    {
        ["product_id empty"] = (() => Valid with { ProductId = "" }, "product_id", SlugRule),
        ["product_id of one letter"] = (() => Valid with { ProductId = "n" }, "product_id", SlugRule),
        ["product_id of 64"] = (() => Valid with { ProductId = new string('n', 64) }, "product_id", SlugRule),
        ["product_id upper case"] = (() => Valid with { ProductId = "NCB-CD19" }, "product_id", SlugRule),
        ["product_id leading dash"] = (() => Valid with { ProductId = "-ncb" }, "product_id", SlugRule),
        ["product_id with a space"] = (() => Valid with { ProductId = "ncb cd19" }, "product_id", SlugRule),
        ["product_id with a dot"] = (() => Valid with { ProductId = "ncb.cd19" }, "product_id", SlugRule),
        ["jurisdiction lower case"] = (() => Valid with { Jurisdiction = "kz" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction mixed case"] = (() => Valid with { Jurisdiction = "Kz" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction eu in lower case"] = (() => Valid with { Jurisdiction = "eu" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction alpha-3"] = (() => Valid with { Jurisdiction = "KAZ" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction of one letter"] = (() => Valid with { Jurisdiction = "K" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction empty"] = (() => Valid with { Jurisdiction = "" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction with a digit"] = (() => Valid with { Jurisdiction = "K1" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction padded"] = (() => Valid with { Jurisdiction = " KZ" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction non-ASCII"] = (() => Valid with { Jurisdiction = "ÄÖ" }, "jurisdiction", JurisdictionRule),
        ["authority null"] = (() => Valid with { Authority = null }, "authority", "must be one of the listed authorities"),
        ["authority of an unknown number"] = (() => Valid with { Authority = (Authority)8 }, "authority", "must be one of the listed authorities"),
        ["FDA deciding for Kazakhstan"] = (() => Valid with { Authority = Authority.Fda }, "authority", "decides for US only; use NATIONAL for KZ's own agency"),
        ["a national agency for the EU"] = (() => Valid with { Jurisdiction = "EU" }, "authority", "NATIONAL is EU's own agency; EU has a listed authority of its own"),
        ["pathway null"] = (() => Valid with { Pathway = null }, "pathway", "must be one of the listed pathways"),
        ["pathway of an unknown number"] = (() => Valid with { Pathway = (Pathway)8 }, "pathway", "must be one of the listed pathways"),
        ["indication empty"] = (() => WithScope(Valid, s => s with { Indication = "" }), "scope.indication", "is required"),
        ["indication null"] = (() => WithScope(Valid, s => s with { Indication = null }), "scope.indication", "is required"),
        ["indication blank"] = (() => WithScope(Valid, s => s with { Indication = " \t " }), "scope.indication", "is required"),
        ["indication of 101"] = (() => WithScope(Valid, s => s with { Indication = new string('i', 101) }), "scope.indication", "must be at most 100 characters"),
        ["no scope at all"] = (() => ValidReliance with { Scope = null }, "scope.indication", "is required"),
        ["min age -1"] = (() => WithScope(Valid, s => s with { MinAgeYears = -1 }), "scope.min_age_years", "must be 0-120"),
        ["min age 121"] = (() => WithScope(Valid, s => s with { MinAgeYears = 121, MaxAgeYears = 0 }), "scope.min_age_years", "must be 0-120"),
        ["max age -1"] = (() => WithScope(Valid, s => s with { MaxAgeYears = -1 }), "scope.max_age_years", MaxAgeRule),
        ["max age 121"] = (() => WithScope(Valid, s => s with { MaxAgeYears = 121 }), "scope.max_age_years", MaxAgeRule),
        ["max age below min age"] = (() => WithScope(Valid, s => s with { MinAgeYears = 18, MaxAgeYears = 17 }), "scope.max_age_years", MaxAgeRule),
        ["hospital exemption without institutions"] = (() => WithScope(Valid, s => s with { InstitutionIds = [] }), "scope.institution_ids",
            "must name at least one institution for a hospital exemption or a clinical trial"),
        ["hospital exemption, institutions null"] = (() => WithScope(Valid, s => s with { InstitutionIds = null }), "scope.institution_ids",
            "must name at least one institution for a hospital exemption or a clinical trial"),
        ["clinical trial without institutions"] = (() => WithScope(Valid with { Pathway = Pathway.ClinicalTrial }, s => s with { InstitutionIds = [] }), "scope.institution_ids",
            "must name at least one institution for a hospital exemption or a clinical trial"),
        ["institutions for a marketing authorisation"] = (() => Valid with { Pathway = Pathway.MarketingAuthorisation }, "scope.institution_ids",
            "must be empty: only a hospital exemption or a clinical trial names institutions"),
        ["institutions for a reliance"] = (() => WithScope(ValidReliance, s => s with { InstitutionIds = ["kz-ncb-astana"] }), "scope.institution_ids",
            "must be empty: only a hospital exemption or a clinical trial names institutions"),
        ["institution not a slug"] = (() => WithScope(Valid, s => s with { InstitutionIds = ["kz-ncb-astana", "KZ NCB"] }), "scope.institution_ids[1]", SlugRule),
        ["institution empty"] = (() => WithScope(Valid, s => s with { InstitutionIds = ["", "kz-ncb-astana"] }), "scope.institution_ids[0]", SlugRule),
        ["institution twice"] = (() => WithScope(Valid, s => s with { InstitutionIds = ["kz-ncb-astana", "kz-a", "kz-ncb-astana"] }), "scope.institution_ids[2]",
            "repeats scope.institution_ids[0]"),
        ["101 institutions"] = (() => WithScope(Valid, s => s with { InstitutionIds = [.. Enumerable.Range(0, 101).Select(i => $"kz-{i}")] }), "scope.institution_ids",
            "must name at most 100 institutions"),
        ["reliance without reference"] = (() => ValidReliance with { Reference = null }, "reference_authorisation_id",
            "is required for a reliance: the reference authority's authorisation it relies on"),
        ["reliance with a blank reference"] = (() => ValidReliance with { Reference = "  " }, "reference_authorisation_id",
            "is required for a reliance: the reference authority's authorisation it relies on"),
        ["reliance reference of 201"] = (() => ValidReliance with { Reference = new string('r', 201) }, "reference_authorisation_id", "must be at most 200 characters"),
        ["reliance relying on itself"] = (() => ValidReliance with { Reference = "tisagenlecleucel.KZ.Reliance" }, "reference_authorisation_id",
            "cannot name this authorisation itself"),
        ["reference for a hospital exemption"] = (() => Valid with { Reference = ReferenceId }, "reference_authorisation_id",
            "must be empty: only a reliance names a reference authorisation"),
        ["reference for a marketing authorisation"] = (() => ValidReliance with { Pathway = Pathway.MarketingAuthorisation }, "reference_authorisation_id",
            "must be empty: only a reliance names a reference authorisation"),
    };

    public static TheoryData<string> SingleRuleCases => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(SingleRuleCases))]
    public void Each_broken_rule_alone_is_reported_on_its_field_only(string name)
    {
        var (draft, field, description) = Cases[name];

        var violation = Assert.Single(Violations(draft()));

        Assert.Equal(new FieldViolation(field, description), violation);
    }

    [Fact]
    public void The_valid_drafts_are_valid()
    {
        Assert.Equal(Pathway.HospitalExemption, Record(Valid).Pathway);
        Assert.Equal(Pathway.Reliance, Record(ValidReliance).Pathway);
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once_in_field_order()
    {
        Assert.Equal(["product_id", "jurisdiction", "authority", "pathway", "scope.indication"],
            Violations(new Draft("", "kz", null, null, null, null)).Select(v => v.Field));
        Assert.Equal(["product_id", "jurisdiction", "authority", "scope.indication", "scope.min_age_years", "scope.max_age_years",
                "scope.institution_ids", "reference_authorisation_id"],
            Violations(new Draft("NCB", "KAZ", null, Pathway.Reliance, new ScopeInput("", 121, 121, ["X"]), null)).Select(v => v.Field));
    }

    [Theory]
    [InlineData("KZ")]
    [InlineData("UZ")]
    [InlineData("DE")]
    [InlineData("US")]
    [InlineData("EU")]
    public void Upper_case_alpha_2_codes_and_EU_are_jurisdictions(string jurisdiction)
    {
        var authority = jurisdiction switch { "EU" => Authority.Ema, "US" => Authority.Fda, _ => Authority.National };
        Assert.Equal(jurisdiction, Record(Valid with { Jurisdiction = jurisdiction, Authority = authority }).Jurisdiction);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 120)]
    [InlineData(120, 0)]
    [InlineData(120, 120)]
    [InlineData(18, 18)]
    [InlineData(3, 4)]
    public void Age_ranges_at_their_bounds_are_valid(int min, int max)
    {
        var scope = Record(WithScope(Valid, s => s with { MinAgeYears = min, MaxAgeYears = max })).Scope;

        Assert.Equal((min, max == 0 ? null : max), (scope.MinAgeYears, scope.MaxAgeYears));
    }

    [Fact]
    public void A_valid_authorisation_starts_planned_as_given_its_scope_tidied()
    {
        var authorisation = Record(WithScope(Valid, s => s with { Indication = "  r/r B-ALL\t" }));

        Assert.Equal(new Authorisation("ncb-cd19-academic.KZ.HospitalExemption", "ncb-cd19-academic", "KZ",
            Authority.National, Pathway.HospitalExemption, AuthorisationStatus.Planned, Now,
            new Scope("r/r B-ALL", 3, 25, ["kz-astana-childrens", "kz-ncb-astana"]), null, null, null, null, null, null), authorisation);
        Assert.False(authorisation.AllowsUseInPrinciple);
    }

    [Fact]
    public void A_reliance_keeps_its_reference_trimmed_and_others_none()
    {
        Assert.Equal(ReferenceId, Record(ValidReliance with { Reference = $" {ReferenceId} " }).ReferenceAuthorisationId);
        Assert.Null(Record(Valid with { Reference = "" }).ReferenceAuthorisationId);
        Assert.Null(Record(Valid with { Reference = "  " }).ReferenceAuthorisationId);
        // A reliance may rely on another of the same product in another jurisdiction, or another pathway here.
        Assert.Equal("tisagenlecleucel.KZ.MarketingAuthorisation",
            Record(ValidReliance with { Reference = "tisagenlecleucel.KZ.MarketingAuthorisation" }).ReferenceAuthorisationId);
    }

    [Fact]
    public void Exactly_100_distinct_institutions_are_accepted()
    {
        var ids = Enumerable.Range(0, 100).Select(i => $"kz-{i:000}").ToArray();

        Assert.Equal(ids, Record(WithScope(Valid, s => s with { InstitutionIds = ids })).Scope.InstitutionIds);
    }

    [Fact]
    public void The_id_is_derived_from_product_jurisdiction_and_pathway_only()
    {
        var id = Record(Valid).AuthorisationId;

        // The same triple: the same id, whatever the scope and whenever it is recorded.
        Assert.Equal(id, Record(Valid).AuthorisationId);
        Assert.Equal(id, Record(WithScope(Valid, s => s with { Indication = "DLBCL" })).AuthorisationId);
        Assert.Equal(id, Authorisation.Record(Valid.ProductId, Valid.Jurisdiction, Valid.Authority, Valid.Pathway, Valid.Scope, null, Now.AddYears(1)).AuthorisationId);
        // Any part of the triple changed: another id.
        Assert.NotEqual(id, Record(Valid with { Pathway = Pathway.ClinicalTrial }).AuthorisationId);
        Assert.NotEqual(id, Record(Valid with { Jurisdiction = "UZ" }).AuthorisationId);
        Assert.NotEqual(id, Record(Valid with { ProductId = "nexcar19" }).AuthorisationId);
    }

    private static readonly string[] Products = ["ncb-cd19-academic", "ab", new string('z', 63)];
    private static readonly string[] Jurisdictions = ["KZ", "UZ", "EU"];

    [Fact]
    public void Every_product_jurisdiction_and_pathway_triple_has_its_own_id()
    {
        var triples =
            from product in Products
            from jurisdiction in Jurisdictions
            from pathway in Enum.GetValues<Pathway>()
            select Record(DraftFor(product, jurisdiction, pathway)).AuthorisationId;
        var ids = triples.ToList();

        Assert.Equal(3 * 3 * 7, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.InRange(id.Length, 1, 200));
    }

    /// <summary>A valid draft for any triple: institutions and reference only where the pathway takes them.</summary>
    private static Draft DraftFor(string product, string jurisdiction, Pathway pathway) =>
        new(product, jurisdiction, jurisdiction == "EU" ? Authority.Ema : Authority.National, pathway,
            ScopeRules.NamesInstitutions(pathway) ? AtTwoHospitals : AtTwoHospitals with { InstitutionIds = [] },
            pathway == Pathway.Reliance ? ReferenceId : null);

    private static Authorisation Record(Draft draft) =>
        Authorisation.Record(draft.ProductId, draft.Jurisdiction, draft.Authority, draft.Pathway, draft.Scope, draft.Reference, Now);

    private static IReadOnlyList<FieldViolation> Violations(Draft draft) =>
        Assert.Throws<InvalidArgumentException>(() => Record(draft)).Violations;
}
