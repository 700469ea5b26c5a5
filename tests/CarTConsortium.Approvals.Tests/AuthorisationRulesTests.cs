using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using Xunit;

namespace CarTConsortium.Approvals.Tests;

public sealed class AuthorisationRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    private const string SlugRule = "must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit";
    private const string JurisdictionRule = "must be an ISO 3166-1 alpha-2 code in upper case (e.g. KZ) or EU";

    /// <summary>Everything a caller sends to start tracking an authorisation.</summary>
    private sealed record Draft(string ProductId, string Jurisdiction, Authority? Authority, Pathway? Pathway);

    private static readonly Draft Valid = new("ncb-cd19-academic", "KZ", Authority.National, Pathway.HospitalExemption);

    // Each case breaks exactly one rule of the valid draft, and names the one violation that must be reported.
    private static readonly Dictionary<string, (Func<Draft, Draft> Break, string Field, string Description)> Cases = new()
    {
        ["product_id empty"] = (d => d with { ProductId = "" }, "product_id", SlugRule),
        ["product_id of one letter"] = (d => d with { ProductId = "n" }, "product_id", SlugRule),
        ["product_id of 64"] = (d => d with { ProductId = new string('n', 64) }, "product_id", SlugRule),
        ["product_id upper case"] = (d => d with { ProductId = "NCB-CD19" }, "product_id", SlugRule),
        ["product_id leading dash"] = (d => d with { ProductId = "-ncb" }, "product_id", SlugRule),
        ["product_id with a space"] = (d => d with { ProductId = "ncb cd19" }, "product_id", SlugRule),
        ["product_id with a dot"] = (d => d with { ProductId = "ncb.cd19" }, "product_id", SlugRule),
        ["jurisdiction lower case"] = (d => d with { Jurisdiction = "kz" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction mixed case"] = (d => d with { Jurisdiction = "Kz" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction eu in lower case"] = (d => d with { Jurisdiction = "eu" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction alpha-3"] = (d => d with { Jurisdiction = "KAZ" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction of one letter"] = (d => d with { Jurisdiction = "K" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction empty"] = (d => d with { Jurisdiction = "" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction with a digit"] = (d => d with { Jurisdiction = "K1" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction padded"] = (d => d with { Jurisdiction = " KZ" }, "jurisdiction", JurisdictionRule),
        ["jurisdiction non-ASCII"] = (d => d with { Jurisdiction = "ÄÖ" }, "jurisdiction", JurisdictionRule),
        ["authority null"] = (d => d with { Authority = null }, "authority", "must be one of the listed authorities"),
        ["pathway null"] = (d => d with { Pathway = null }, "pathway", "must be one of the listed pathways"),
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
        Assert.Equal(["product_id", "jurisdiction", "authority", "pathway"],
            Violations(new Draft("", "kz", null, null)).Select(v => v.Field));
        Assert.Equal(["product_id", "jurisdiction", "authority", "pathway"],
            Violations(new Draft("NCB", "KAZ", null, null)).Select(v => v.Field));
    }

    [Theory]
    [InlineData("KZ")]
    [InlineData("UZ")]
    [InlineData("DE")]
    [InlineData("US")]
    [InlineData("EU")]
    public void Upper_case_alpha_2_codes_and_EU_are_jurisdictions(string jurisdiction)
    {
        Assert.Equal(jurisdiction, Record(Valid with { Jurisdiction = jurisdiction }).Jurisdiction);
    }

    [Fact]
    public void A_valid_authorisation_starts_planned_as_given()
    {
        var authorisation = Record(Valid);

        Assert.Equal(new Authorisation("ncb-cd19-academic.KZ.HospitalExemption", "ncb-cd19-academic", "KZ",
            Authority.National, Pathway.HospitalExemption, AuthorisationStatus.Planned, Now), authorisation);
    }

    [Fact]
    public void The_id_is_derived_from_product_jurisdiction_and_pathway_only()
    {
        var id = Record(Valid).AuthorisationId;

        // The same triple: the same id, whoever the authority and whenever it is recorded.
        Assert.Equal(id, Record(Valid).AuthorisationId);
        Assert.Equal(id, Record(Valid with { Authority = Authority.Ema }).AuthorisationId);
        Assert.Equal(id, Authorisation.Record(Valid.ProductId, Valid.Jurisdiction, Valid.Authority, Valid.Pathway, Now.AddYears(1)).AuthorisationId);
        // Any part of the triple changed: another id.
        Assert.NotEqual(id, Record(Valid with { Pathway = Pathway.CompassionateUse }).AuthorisationId);
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
            select Record(new Draft(product, jurisdiction, Authority.National, pathway)).AuthorisationId;
        var ids = triples.ToList();

        Assert.Equal(3 * 3 * 7, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.InRange(id.Length, 1, 200));
    }

    private static Authorisation Record(Draft draft) =>
        Authorisation.Record(draft.ProductId, draft.Jurisdiction, draft.Authority, draft.Pathway, Now);

    private static IReadOnlyList<FieldViolation> Violations(Draft draft) =>
        Assert.Throws<InvalidArgumentException>(() => Record(draft)).Violations;
}
