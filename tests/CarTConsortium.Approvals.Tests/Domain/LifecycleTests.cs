using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using Xunit;
using static CarTConsortium.Approvals.Authorisations.AuthorisationStatus;

namespace CarTConsortium.Approvals.Tests.Domain;

/// <summary>The lifecycle of the contract's comment on AuthorisationStatus: every status against every target.</summary>
public sealed class LifecycleTests
{
    private static readonly DateOnly Today = Given.Today;

    // Written from the contract's comment, not from Authorisation.Transitions, so the two check each other.
    private static readonly Dictionary<string, AuthorisationStatus[]> Allowed = new()
    {
        ["Planned"] = [Submitted, Withdrawn],
        ["Submitted"] = [UnderReview, Withdrawn],
        ["UnderReview"] = [Approved, ConditionallyApproved, Rejected, Withdrawn],
        ["Approved"] = [Suspended, Withdrawn],
        ["ConditionallyApproved"] = [Approved, Suspended, Withdrawn],
        ["Rejected"] = [],
        ["Withdrawn"] = [],
        ["Suspended from Approved"] = [Approved, Withdrawn],
        ["Suspended from ConditionallyApproved"] = [ConditionallyApproved, Withdrawn],
        ["Expired"] = [],
    };

    /// <summary>Not a calendar day, and not "absent" either: wrong for every date field of every target.</summary>
    private static readonly DateParts Garbage = new(2026, 13, 40);

    /// <summary>Every row of <see cref="Given.Each"/> against every contract number 0 (UNSPECIFIED) to 9: 10 x 10.</summary>
    public static TheoryData<string, int> EveryStep
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var from in Given.Each.Keys)
            {
                for (var target = 0; target <= 9; target++)
                {
                    data.Add(from, target);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(EveryStep))]
    public void Every_status_moves_to_exactly_the_statuses_the_contract_allows(string from, int target)
    {
        var before = Given.Each[from]();
        var snapshot = before with { };

        if (target == 0)
        {
            // UNSPECIFIED: there is no step to judge, whatever the dates.
            Assert.Equal(new FieldViolation("status", "is required: the status to move to"),
                Given.Violation(() => before.ChangeStatus(null, Garbage, Garbage, Garbage, Garbage, Today)));
        }
        else if (Allowed[from].Contains((AuthorisationStatus)target))
        {
            var to = (AuthorisationStatus)target;
            var (submitted, decided) = DatesFor(before, to);

            var after = before.ChangeStatus(to, submitted, decided, null, null, Today);

            Assert.Equal(Expected(before, to), after);
        }
        else
        {
            var to = (AuthorisationStatus)target;
            var (submitted, decided) = DatesFor(before, to);

            var refused = Assert.Throws<RuleViolationException>(() => before.ChangeStatus(to, submitted, decided, null, null, Today));

            Assert.Contains($"cannot move from {Authorisation.Name(before.Status)} to {Authorisation.Name(to)}", refused.Message, StringComparison.Ordinal);
            // The step is judged before the dates: bad dates do not hide an illegal step.
            Assert.Throws<RuleViolationException>(() => before.ChangeStatus(to, Garbage, Garbage, Garbage, Garbage, Today));
        }
        Assert.Equal(snapshot, before);
    }

    [Theory]
    [InlineData("Planned", Approved, "from PLANNED it can move to SUBMITTED or WITHDRAWN only")]
    [InlineData("UnderReview", Suspended, "from UNDER_REVIEW it can move to APPROVED or CONDITIONALLY_APPROVED or REJECTED or WITHDRAWN only")]
    [InlineData("Suspended from Approved", Submitted, "from SUSPENDED it can move to APPROVED or WITHDRAWN only")]
    [InlineData("Suspended from ConditionallyApproved", Approved, "a reinstatement returns to the status it was suspended from, CONDITIONALLY_APPROVED")]
    [InlineData("Approved", Approved, "it is APPROVED already")]
    [InlineData("Rejected", Withdrawn, "REJECTED is final")]
    [InlineData("Expired", Approved, "EXPIRED is final")]
    [InlineData("Approved", Expired, "an approval expires by itself once its expires_on has passed")]
    public void A_refused_step_says_from_what_to_what_and_why(string from, AuthorisationStatus to, string why)
    {
        var before = Given.Each[from]();

        var refused = Assert.Throws<RuleViolationException>(() => before.ChangeStatus(to, null, null, null, null, Today));

        Assert.Equal($"Authorisation tisagenlecleucel.KZ.MarketingAuthorisation cannot move from {Authorisation.Name(before.Status)} to {Authorisation.Name(to)}: {why}.",
            refused.Message);
    }

    [Fact]
    public void The_transition_table_is_the_contracts()
    {
        var expected = new Dictionary<AuthorisationStatus, AuthorisationStatus[]>();
        foreach (var (from, targets) in Allowed)
        {
            var status = Given.Each[from]().Status;
            expected[status] = [.. (expected.GetValueOrDefault(status) ?? []).Union(targets).Order()];
        }

        Assert.Equal(Enum.GetValues<AuthorisationStatus>().Order(), Authorisation.Transitions.Keys.Order());
        Assert.All(expected, e => Assert.Equal(e.Value, Authorisation.Transitions[e.Key].Order()));
        Assert.DoesNotContain(Authorisation.Transitions.Values, targets => targets.Contains(Expired));
    }

    [Fact]
    public void Dates_in_an_allowed_step_are_checked_only_after_the_step()
    {
        var underReview = Given.UnderReview();

        // Illegal step, bad dates: the step is reported.
        Assert.Throws<RuleViolationException>(() => Given.Planned().ChangeStatus(Approved, Garbage, null, null, null, Today));
        // Legal step, bad dates: the dates are reported, all at once.
        Assert.Equal(["decided_on", "effective_on"],
            Given.Violations(() => underReview.ChangeStatus(Approved, null, Garbage, Garbage, null, Today)).Select(v => v.Field));
    }

    [Theory]
    [InlineData(Approved)]
    [InlineData(ConditionallyApproved)]
    public void A_suspended_approval_is_reinstated_to_exactly_what_it_was(AuthorisationStatus approval)
    {
        var approved = approval == Approved ? Given.Approved() : Given.ConditionallyApproved();
        var other = approval == Approved ? ConditionallyApproved : Approved;

        var suspended = approved.ChangeStatus(Suspended, null, null, null, null, Today);

        Assert.Equal(approved with { Status = Suspended, SuspendedFrom = approval }, suspended);
        Assert.False(suspended.AllowsUseInPrinciple);
        var wrong = Assert.Throws<RuleViolationException>(() => suspended.ChangeStatus(other, null, Given.Parts(Today), null, null, Today));
        Assert.Contains($"the status it was suspended from, {Authorisation.Name(approval)}", wrong.Message, StringComparison.Ordinal);

        var reinstated = suspended.ChangeStatus(approval, null, null, null, null, Today);

        Assert.Equal(approved, reinstated);
        Assert.Null(reinstated.SuspendedFrom);
        Assert.True(reinstated.AllowsUseInPrinciple);
        // And round again.
        Assert.Equal(suspended, reinstated.ChangeStatus(Suspended, null, null, null, null, Today));
    }

    [Fact]
    public void Withdrawing_a_suspended_approval_forgets_what_it_was()
    {
        var withdrawn = Given.Suspended(Approved).ChangeStatus(Withdrawn, null, null, null, null, Today);

        Assert.Equal(Given.Approved() with { Status = Withdrawn }, withdrawn);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(800, true)]
    public void An_approval_holds_on_its_expiry_day_and_is_due_to_expire_from_the_day_after(int daysAfterExpiry, bool due)
    {
        var today = Given.Expires.AddDays(daysAfterExpiry);
        foreach (var approval in new[] { Given.Approved(), Given.ConditionallyApproved() })
        {
            Assert.Equal(due, approval.IsDueToExpire(today));
            if (due)
            {
                Assert.Equal(approval with { Status = Expired }, approval.Expire(today));
            }
            else
            {
                var refused = Assert.Throws<RuleViolationException>(() => approval.Expire(today));
                Assert.Contains($"to EXPIRED on {today:yyyy-MM-dd}: it holds until 2027-12-14", refused.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Only_an_approval_with_an_expiry_expires_suspended_or_not()
    {
        var farFuture = new DateOnly(9999, 12, 31);
        var noExpiry = Given.UnderReview().ChangeStatus(Approved, null, Given.Parts(Given.Decided), null, null, Today);

        foreach (var (name, make) in Given.Each.Where(e => e.Key is not ("Approved" or "ConditionallyApproved") && !e.Key.StartsWith("Suspended", StringComparison.Ordinal)))
        {
            var authorisation = make();
            Assert.False(authorisation.IsDueToExpire(farFuture), name);
            Assert.Contains("only an approval (or a suspended one) expires", Assert.Throws<RuleViolationException>(() => authorisation.Expire(farFuture)).Message, StringComparison.Ordinal);
        }
        // A suspended approval past its term expires too, rather than being reinstated into the past.
        var suspended = Given.Each["Suspended from Approved"]();
        Assert.True(suspended.IsDueToExpire(Given.Expires.AddDays(1)));
        Assert.Equal((AuthorisationStatus.Expired, (AuthorisationStatus?)null), (suspended.Expire(Given.Expires.AddDays(1)) is var e ? (e.Status, e.SuspendedFrom) : default));
        var reinstate = Assert.Throws<RuleViolationException>(() => suspended.ChangeStatus(Approved, null, null, null, null, Given.Expires.AddDays(1)));
        Assert.Contains("can only be withdrawn", reinstate.Message, StringComparison.Ordinal);
        Assert.Null(noExpiry.ExpiresOn);
        Assert.False(noExpiry.IsDueToExpire(farFuture));
        Assert.Contains("it has no expiry", Assert.Throws<RuleViolationException>(() => noExpiry.Expire(farFuture)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_approval_whose_expiry_has_passed_can_only_be_withdrawn()
    {
        var dayAfter = Given.Expires.AddDays(1);

        var suspend = Assert.Throws<RuleViolationException>(() => Given.Approved().ChangeStatus(Suspended, null, null, null, null, dayAfter));
        var confirm = Assert.Throws<RuleViolationException>(() => Given.ConditionallyApproved().ChangeStatus(Approved, null, Given.Parts(dayAfter), null, null, dayAfter));

        Assert.Contains("held until 2027-12-14 and has expired", suspend.Message, StringComparison.Ordinal);
        Assert.Contains("from CONDITIONALLY_APPROVED to APPROVED", confirm.Message, StringComparison.Ordinal);
        Assert.Equal(Withdrawn, Given.Approved().ChangeStatus(Withdrawn, null, null, null, null, dayAfter).Status);
        // On its last day it is still an approval like any other.
        Assert.Equal(Suspended, Given.Approved().ChangeStatus(Suspended, null, null, null, null, Given.Expires).Status);
    }

    [Theory]
    [InlineData(30, 0, true)]
    [InlineData(30, 29, true)]
    [InlineData(30, 30, true)]
    [InlineData(30, 31, false)]
    [InlineData(30, -1, false)]
    [InlineData(0, 0, true)]
    [InlineData(0, 1, false)]
    [InlineData(730, 730, true)]
    [InlineData(730, 731, false)]
    public void A_renewal_is_due_when_the_expiry_falls_within_today_and_the_next_N_days(int withinDays, int daysToExpiry, bool due)
    {
        var today = Given.Expires.AddDays(-daysToExpiry);

        Assert.Equal(due, Given.Approved().IsRenewalDue(today, withinDays));
        Assert.Equal(due, Given.ConditionallyApproved().IsRenewalDue(today, withinDays));
    }

    [Fact]
    public void Only_an_approval_with_an_expiry_is_due_for_renewal()
    {
        var noExpiry = Given.UnderReview().ChangeStatus(Approved, null, Given.Parts(Given.Decided), null, null, Today);

        Assert.All(Given.Each.Where(e => e.Key is not ("Approved" or "ConditionallyApproved")),
            e => Assert.False(e.Value().IsRenewalDue(Given.Expires, 730), e.Key));
        Assert.False(noExpiry.IsRenewalDue(Today, 730));
        Assert.Throws<ArgumentOutOfRangeException>(() => Given.Approved().IsRenewalDue(Today, -1));
    }

    [Fact]
    public void Use_is_allowed_in_principle_by_an_approval_under_any_pathway_but_a_breakthrough_designation()
    {
        foreach (var pathway in Enum.GetValues<Pathway>())
        {
            var allows = pathway != Pathway.BreakthroughDesignation;
            Assert.Equal(allows, Given.Approved(pathway).AllowsUseInPrinciple);
            Assert.Equal(allows, Given.ConditionallyApproved(pathway).AllowsUseInPrinciple);
            Assert.False(Given.UnderReview(pathway).AllowsUseInPrinciple);
        }
        Assert.All(Given.Each.Where(e => e.Key is not ("Approved" or "ConditionallyApproved")),
            e => Assert.False(e.Value().AllowsUseInPrinciple, e.Key));
    }

    /// <summary>The dates a step needs, valid for every fixture: today's. A reinstatement is no decision and takes none.</summary>
    private static (DateParts? Submitted, DateParts? Decided) DatesFor(Authorisation before, AuthorisationStatus to) => (before.Status, to) switch
    {
        (_, Submitted) => (Given.Parts(Today), null),
        (Suspended, _) => (null, null),
        (_, Approved or ConditionallyApproved or Rejected) => (null, Given.Parts(Today)),
        _ => (null, null),
    };

    /// <summary>What an allowed step with <see cref="DatesFor"/> must make of <paramref name="before"/>: every other field kept.</summary>
    private static Authorisation Expected(Authorisation before, AuthorisationStatus to) => (before.Status, to) switch
    {
        (_, Submitted) => before with { Status = to, SubmittedOn = Today },
        (UnderReview, Approved or ConditionallyApproved) => before with { Status = to, DecidedOn = Today, EffectiveOn = Today, ExpiresOn = null },
        (ConditionallyApproved, Approved) => before with { Status = to, DecidedOn = Today },
        (_, Rejected) => before with { Status = to, DecidedOn = Today },
        (_, Suspended) => before with { Status = to, SuspendedFrom = before.Status },
        _ => before with { Status = to, SuspendedFrom = null },
    };
}
