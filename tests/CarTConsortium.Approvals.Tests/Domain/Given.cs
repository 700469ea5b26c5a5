using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using Xunit;

namespace CarTConsortium.Approvals.Tests.Domain;

/// <summary>
/// Authorisations in every status, each reached through the legal steps only (never built
/// by hand), and the calendar they live on.
/// </summary>
internal static class Given
{
    public const string ProductId = "tisagenlecleucel";

    public static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 3, 10);

    public static readonly DateOnly Submitted = new(2025, 6, 2);
    public static readonly DateOnly Decided = new(2025, 12, 1);
    public static readonly DateOnly Effective = new(2025, 12, 15);
    /// <summary>The last day the approvals hold.</summary>
    public static readonly DateOnly Expires = new(2027, 12, 14);

    public static readonly ScopeInput Scope = new("r/r B-ALL", 3, 25, []);

    public static DateParts Parts(DateOnly day) => DateParts.Of(day);

    public static Authorisation Planned(Pathway pathway = Pathway.MarketingAuthorisation) =>
        Authorisation.Record(ProductId, "KZ", Authority.National, pathway,
            ScopeRules.NamesInstitutions(pathway) ? Scope with { InstitutionIds = ["kz-astana-childrens", "kz-ncb-astana"] } : Scope,
            pathway == Pathway.Reliance ? "tisagenlecleucel.US.MarketingAuthorisation" : null, Now);

    public static Authorisation SubmittedOne(Pathway pathway = Pathway.MarketingAuthorisation) =>
        Planned(pathway).ChangeStatus(AuthorisationStatus.Submitted, Parts(Submitted), null, null, null, Today);

    public static Authorisation UnderReview(Pathway pathway = Pathway.MarketingAuthorisation) =>
        SubmittedOne(pathway).ChangeStatus(AuthorisationStatus.UnderReview, null, null, null, null, Today);

    /// <summary>Decided <see cref="Decided"/>, in force from <see cref="Effective"/> to <see cref="Expires"/>.</summary>
    public static Authorisation Approved(Pathway pathway = Pathway.MarketingAuthorisation) =>
        UnderReview(pathway).ChangeStatus(AuthorisationStatus.Approved, null, Parts(Decided), Parts(Effective), Parts(Expires), Today);

    public static Authorisation ConditionallyApproved(Pathway pathway = Pathway.MarketingAuthorisation) =>
        UnderReview(pathway).ChangeStatus(AuthorisationStatus.ConditionallyApproved, null, Parts(Decided), Parts(Effective), Parts(Expires), Today);

    public static Authorisation Rejected() =>
        UnderReview().ChangeStatus(AuthorisationStatus.Rejected, null, Parts(Decided), null, null, Today);

    public static Authorisation Withdrawn() =>
        Planned().ChangeStatus(AuthorisationStatus.Withdrawn, null, null, null, null, Today);

    public static Authorisation Suspended(AuthorisationStatus from) =>
        (from == AuthorisationStatus.Approved ? Approved() : ConditionallyApproved())
            .ChangeStatus(AuthorisationStatus.Suspended, null, null, null, null, Today);

    public static Authorisation Expired() => Approved().Expire(Expires.AddDays(1));

    /// <summary>One authorisation per status, and one per status a suspension can come from.</summary>
    public static readonly IReadOnlyDictionary<string, Func<Authorisation>> Each = new Dictionary<string, Func<Authorisation>>
    {
        ["Planned"] = () => Planned(),
        ["Submitted"] = () => SubmittedOne(),
        ["UnderReview"] = () => UnderReview(),
        ["Approved"] = () => Approved(),
        ["ConditionallyApproved"] = () => ConditionallyApproved(),
        ["Rejected"] = Rejected,
        ["Withdrawn"] = Withdrawn,
        ["Suspended from Approved"] = () => Suspended(AuthorisationStatus.Approved),
        ["Suspended from ConditionallyApproved"] = () => Suspended(AuthorisationStatus.ConditionallyApproved),
        ["Expired"] = Expired,
    };

    public static IReadOnlyList<FieldViolation> Violations(Action act) =>
        Assert.Throws<InvalidArgumentException>(act).Violations;

    public static FieldViolation Violation(Action act) => Assert.Single(Violations(act));
}
