using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using Xunit;

namespace CarTConsortium.Approvals.Tests.Domain;

/// <summary>Amending scope and expiry: who may be amended, what is checked, and that nothing-new is no change.</summary>
public sealed class AmendTests
{
    private static readonly DateOnly Today = Given.Today;
    private static readonly ScopeInput Wider = new("r/r B-ALL", 1, 0, []);

    [Theory]
    [InlineData("Rejected")]
    [InlineData("Withdrawn")]
    [InlineData("Expired")]
    public void A_final_authorisation_cannot_be_amended_even_with_bad_input(string status)
    {
        var final = Given.Each[status]();

        var refused = Assert.Throws<RuleViolationException>(() => final.Amend(Wider, null, Today));
        Assert.Throws<RuleViolationException>(() => final.Amend(null, new DateParts(2026, 2, 30), Today));

        Assert.Contains("which is final: it cannot be amended", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Planned")]
    [InlineData("Submitted")]
    [InlineData("UnderReview")]
    [InlineData("Approved")]
    [InlineData("ConditionallyApproved")]
    [InlineData("Suspended from Approved")]
    [InlineData("Suspended from ConditionallyApproved")]
    public void Any_authorisation_not_yet_ended_takes_a_new_scope_and_expiry(string status)
    {
        var before = Given.Each[status]();
        var expires = new DateOnly(2029, 6, 30);

        var amended = before.Amend(Wider, DateParts.Of(expires), Today);

        Assert.Equal(before with { Scope = new Scope("r/r B-ALL", 1, null, []), ExpiresOn = expires }, amended);
    }

    [Fact]
    public void An_approval_whose_expiry_has_passed_cannot_be_renewed_but_can_on_its_last_day()
    {
        var approved = Given.Approved();
        var renewal = DateParts.Of(new DateOnly(2030, 12, 14));

        var late = Assert.Throws<RuleViolationException>(() => approved.Amend(Given.Scope, renewal, Given.Expires.AddDays(1)));

        Assert.Contains("held until 2027-12-14 and has expired", late.Message, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2030, 12, 14), approved.Amend(Given.Scope, renewal, Given.Expires).ExpiresOn);
    }

    [Fact]
    public void An_empty_expiry_means_none()
    {
        var approved = Given.Approved();

        Assert.Null(approved.Amend(Given.Scope, null, Today).ExpiresOn);
        Assert.Null(approved.Amend(Given.Scope, new DateParts(0, 0, 0), Today).ExpiresOn);
    }

    [Fact]
    public void The_expiry_is_not_before_the_first_day()
    {
        var approved = Given.Approved();

        Assert.Equal(Given.Effective, approved.Amend(Given.Scope, DateParts.Of(Given.Effective), Today).ExpiresOn);
        Assert.Equal(new FieldViolation("expires_on", "must not be before effective_on (2025-12-15)"),
            Given.Violation(() => approved.Amend(Given.Scope, DateParts.Of(Given.Effective.AddDays(-1)), Today)));
        Assert.Equal(new FieldViolation("expires_on", "is not a calendar date"),
            Given.Violation(() => approved.Amend(Given.Scope, new DateParts(2027, 4, 31), Today)));
        // Nothing to compare with before an approval.
        Assert.Equal(new DateOnly(2020, 1, 1), Given.Planned().Amend(Given.Scope, new DateParts(2020, 1, 1), Today).ExpiresOn);
    }

    [Fact]
    public void Nothing_new_returns_the_very_same_authorisation()
    {
        var approved = Given.Approved();
        var exemption = Given.Approved(Pathway.HospitalExemption);

        Assert.Same(approved, approved.Amend(Given.Scope with { Indication = "  r/r B-ALL " }, DateParts.Of(Given.Expires), Today));
        // The institutions are a set: another order is no change.
        Assert.Same(exemption, exemption.Amend(Given.Scope with { InstitutionIds = ["kz-ncb-astana", "kz-astana-childrens"] }, DateParts.Of(Given.Expires), Today));
        Assert.NotSame(approved, approved.Amend(Given.Scope with { Indication = "R/R B-ALL" }, DateParts.Of(Given.Expires), Today));
    }

    [Fact]
    public void The_scope_follows_the_pathway_as_when_recorded()
    {
        var exemption = Given.Approved(Pathway.HospitalExemption);
        var marketing = Given.Approved();

        Assert.Equal("scope.institution_ids", Given.Violation(() => exemption.Amend(Given.Scope, null, Today)).Field);
        Assert.Equal("scope.institution_ids", Given.Violation(() => marketing.Amend(Given.Scope with { InstitutionIds = ["kz-ncb-astana"] }, null, Today)).Field);
        Assert.Equal(["kz-a", "kz-b"], exemption.Amend(Given.Scope with { InstitutionIds = ["kz-b", "kz-a"] }, null, Today).Scope.InstitutionIds);
        Assert.Equal(["scope.indication", "scope.min_age_years", "expires_on"],
            Given.Violations(() => marketing.Amend(new ScopeInput(" ", -1, 0, []), new DateParts(2026, 0, 1), Today)).Select(v => v.Field));
        // No scope at all: its indication is missing.
        Assert.Equal("scope.indication", Given.Violation(() => marketing.Amend(null, null, Today)).Field);
    }

    [Fact]
    public void Amending_keeps_the_reliance_reference()
    {
        var reliance = Given.Approved(Pathway.Reliance);

        Assert.Equal("tisagenlecleucel.US.MarketingAuthorisation", reliance.Amend(Wider, null, Today).ReferenceAuthorisationId);
    }
}
