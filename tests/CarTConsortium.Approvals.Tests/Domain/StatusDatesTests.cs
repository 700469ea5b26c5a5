using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using Xunit;
using static CarTConsortium.Approvals.Authorisations.AuthorisationStatus;

namespace CarTConsortium.Approvals.Tests.Domain;

/// <summary>The dates a status change takes, each rule at its boundary.</summary>
public sealed class StatusDatesTests
{
    private static readonly DateOnly Today = Given.Today;

    private static DateParts P(DateOnly day) => Given.Parts(day);

    [Fact]
    public void Submitting_records_the_day_up_to_today()
    {
        Assert.Equal(Today, Given.Planned().ChangeStatus(Submitted, P(Today), null, null, null, Today).SubmittedOn);
        Assert.Equal(new FieldViolation("submitted_on", "must not be in the future"),
            Given.Violation(() => Given.Planned().ChangeStatus(Submitted, P(Today.AddDays(1)), null, null, null, Today)));
    }

    [Theory]
    [InlineData(null, null, null, "is required: year, month and day")]
    [InlineData(0, 0, 0, "is required: year, month and day")]
    [InlineData(2026, 3, 0, "is required: year, month and day")]
    [InlineData(2026, 2, 29, "is not a calendar date")]
    public void Submitting_needs_a_whole_calendar_day(int? year, int? month, int? day, string description)
    {
        DateParts? submitted = year is null ? null : new DateParts(year.Value, month!.Value, day!.Value);

        Assert.Equal(new FieldViolation("submitted_on", description),
            Given.Violation(() => Given.Planned().ChangeStatus(Submitted, submitted, null, null, null, Today)));
    }

    [Theory]
    [InlineData(Approved)]
    [InlineData(ConditionallyApproved)]
    [InlineData(Rejected)]
    public void A_decision_is_dated_from_the_submission_to_today(AuthorisationStatus decision)
    {
        var underReview = Given.UnderReview();

        Assert.Equal(Given.Submitted, underReview.ChangeStatus(decision, null, P(Given.Submitted), null, null, Today).DecidedOn);
        Assert.Equal(Today, underReview.ChangeStatus(decision, null, P(Today), null, null, Today).DecidedOn);
        Assert.Equal(new FieldViolation("decided_on", "must not be before submitted_on (2025-06-02)"),
            Given.Violation(() => underReview.ChangeStatus(decision, null, P(Given.Submitted.AddDays(-1)), null, null, Today)));
        Assert.Equal(new FieldViolation("decided_on", "must not be in the future"),
            Given.Violation(() => underReview.ChangeStatus(decision, null, P(Today.AddDays(1)), null, null, Today)));
        Assert.Equal(new FieldViolation("decided_on", "is required: year, month and day"),
            Given.Violation(() => underReview.ChangeStatus(decision, null, null, null, null, Today)));
    }

    [Theory]
    [InlineData(Approved)]
    [InlineData(ConditionallyApproved)]
    public void An_approval_takes_effect_on_the_decision_day_unless_told_and_never_before_it(AuthorisationStatus approval)
    {
        var underReview = Given.UnderReview();
        var decided = P(Given.Decided);

        var byDefault = underReview.ChangeStatus(approval, null, decided, null, null, Today);
        Assert.Equal((Given.Decided, (DateOnly?)null), (byDefault.EffectiveOn!.Value, byDefault.ExpiresOn));
        Assert.Equal(Given.Decided, underReview.ChangeStatus(approval, null, decided, decided, null, Today).EffectiveOn);
        // An approval may take effect later, even after today.
        Assert.Equal(Today.AddDays(30), underReview.ChangeStatus(approval, null, decided, P(Today.AddDays(30)), null, Today).EffectiveOn);
        Assert.Equal(new FieldViolation("effective_on", "must not be before decided_on"),
            Given.Violation(() => underReview.ChangeStatus(approval, null, decided, P(Given.Decided.AddDays(-1)), null, Today)));
    }

    [Theory]
    [InlineData(Approved)]
    [InlineData(ConditionallyApproved)]
    public void An_approval_expires_on_or_after_its_first_day(AuthorisationStatus approval)
    {
        var underReview = Given.UnderReview();
        var decided = P(Given.Decided);
        var effective = P(Given.Effective);

        Assert.Equal(Given.Effective, underReview.ChangeStatus(approval, null, decided, effective, effective, Today).ExpiresOn);
        Assert.Equal(new FieldViolation("expires_on", "must not be before effective_on (the decision day when empty)"),
            Given.Violation(() => underReview.ChangeStatus(approval, null, decided, effective, P(Given.Effective.AddDays(-1)), Today)));
        // Without effective_on, the decision day is the first day.
        Assert.Equal(Given.Decided, underReview.ChangeStatus(approval, null, decided, null, decided, Today).ExpiresOn);
        Assert.Equal("expires_on", Given.Violation(() => underReview.ChangeStatus(approval, null, decided, null, P(Given.Decided.AddDays(-1)), Today)).Field);
    }

    [Fact]
    public void Every_bad_date_of_a_legal_step_is_reported_at_once_in_field_order()
    {
        var bad = new DateParts(2026, 2, 30);

        Assert.Equal(["submitted_on", "decided_on", "effective_on", "expires_on"],
            Given.Violations(() => Given.UnderReview().ChangeStatus(Approved, P(Today), null, bad, bad, Today)).Select(v => v.Field));
    }

    [Fact]
    public void Confirming_a_conditional_approval_needs_a_new_decision_not_before_the_first()
    {
        var conditional = Given.ConditionallyApproved();

        Assert.Equal(conditional with { Status = Approved }, conditional.ChangeStatus(Approved, null, P(Given.Decided), null, null, Today));
        Assert.Equal(new FieldViolation("decided_on", "must not be before the conditional approval's decided_on (2025-12-01)"),
            Given.Violation(() => conditional.ChangeStatus(Approved, null, P(Given.Decided.AddDays(-1)), null, null, Today)));
        Assert.Equal(new FieldViolation("decided_on", "is required: year, month and day"),
            Given.Violation(() => conditional.ChangeStatus(Approved, null, null, null, null, Today)));
        Assert.Equal(new FieldViolation("decided_on", "must not be in the future"),
            Given.Violation(() => conditional.ChangeStatus(Approved, null, P(Today.AddDays(1)), null, null, Today)));
    }

    [Fact]
    public void Confirming_a_conditional_approval_keeps_its_window_unless_told()
    {
        var conditional = Given.ConditionallyApproved();
        var decided = P(Today);

        var kept = conditional.ChangeStatus(Approved, null, decided, null, null, Today);
        var renewed = conditional.ChangeStatus(Approved, null, decided, null, P(new DateOnly(2030, 12, 31)), Today);
        var moved = conditional.ChangeStatus(Approved, null, decided, decided, P(Today), Today);

        Assert.Equal((Today, Given.Effective, Given.Expires), (kept.DecidedOn!.Value, kept.EffectiveOn!.Value, kept.ExpiresOn!.Value));
        Assert.Equal((Given.Effective, new DateOnly(2030, 12, 31)), (renewed.EffectiveOn!.Value, renewed.ExpiresOn!.Value));
        Assert.Equal((Today, Today), (moved.EffectiveOn!.Value, moved.ExpiresOn!.Value));
    }

    [Fact]
    public void Confirming_a_conditional_approval_keeps_the_window_in_order()
    {
        var conditional = Given.ConditionallyApproved();
        var decided = P(Today);

        Assert.Equal(new FieldViolation("effective_on", "must not be before decided_on"),
            Given.Violation(() => conditional.ChangeStatus(Approved, null, decided, P(Today.AddDays(-1)), null, Today)));
        Assert.Equal(new FieldViolation("expires_on", "must not be before effective_on (2025-12-15, kept)"),
            Given.Violation(() => conditional.ChangeStatus(Approved, null, decided, null, P(Given.Effective.AddDays(-1)), Today)));
        Assert.Equal(Given.Effective, conditional.ChangeStatus(Approved, null, decided, null, P(Given.Effective), Today).ExpiresOn);
        Assert.Equal(new FieldViolation("expires_on", "must not be before effective_on"),
            Given.Violation(() => conditional.ChangeStatus(Approved, null, decided, P(Today.AddDays(10)), P(Today.AddDays(9)), Today)));
        // A new first day after the kept last day: the kept expiry would end before it starts.
        Assert.Equal(new FieldViolation("effective_on", "must not be after expires_on (2027-12-14, kept)"),
            Given.Violation(() => conditional.ChangeStatus(Approved, null, decided, P(Given.Expires.AddDays(1)), null, Today)));
        Assert.Equal(Given.Expires, conditional.ChangeStatus(Approved, null, decided, P(Given.Expires), null, Today).EffectiveOn);
    }

    /// <summary>Each step with one date it does not take (its own dates valid): that date is the one violation.</summary>
    public static TheoryData<string, AuthorisationStatus, string> DatesNotTaken => new()
    {
        { "Planned", Submitted, "decided_on" },
        { "Planned", Submitted, "effective_on" },
        { "Planned", Submitted, "expires_on" },
        { "Submitted", UnderReview, "submitted_on" },
        { "Submitted", UnderReview, "decided_on" },
        { "Submitted", UnderReview, "effective_on" },
        { "Submitted", UnderReview, "expires_on" },
        { "UnderReview", Approved, "submitted_on" },
        { "UnderReview", ConditionallyApproved, "submitted_on" },
        { "ConditionallyApproved", Approved, "submitted_on" },
        { "UnderReview", Rejected, "submitted_on" },
        { "UnderReview", Rejected, "effective_on" },
        { "UnderReview", Rejected, "expires_on" },
        { "Approved", Suspended, "submitted_on" },
        { "Approved", Suspended, "decided_on" },
        { "Approved", Suspended, "effective_on" },
        { "Approved", Suspended, "expires_on" },
        { "Suspended from Approved", Approved, "submitted_on" },
        { "Suspended from Approved", Approved, "decided_on" },
        { "Suspended from Approved", Approved, "effective_on" },
        { "Suspended from Approved", Approved, "expires_on" },
        { "Planned", Withdrawn, "submitted_on" },
        { "Planned", Withdrawn, "decided_on" },
        { "Planned", Withdrawn, "effective_on" },
        { "Planned", Withdrawn, "expires_on" },
    };

    [Theory]
    [MemberData(nameof(DatesNotTaken))]
    public void A_date_the_target_does_not_take_is_refused_on_its_field(string from, AuthorisationStatus to, string field)
    {
        var before = Given.Each[from]();
        var day = P(Today);
        DateParts? submitted = to == Submitted ? day : null;
        DateParts? decided = to is Approved or ConditionallyApproved or Rejected && before.Status != Suspended ? day : null;
        DateParts? Put(string name, DateParts? own) => name == field ? day : own;

        Assert.Equal(new FieldViolation(field, $"is not taken when moving to {Authorisation.Name(to)}"),
            Given.Violation(() => before.ChangeStatus(to, Put("submitted_on", submitted), Put("decided_on", decided),
                Put("effective_on", null), Put("expires_on", null), Today)));
        // An all-zero date is the contract's "not given": no violation.
        var zero = new DateParts(0, 0, 0);
        Assert.Equal(to, before.ChangeStatus(to, submitted ?? zero, decided ?? zero, zero, zero, Today).Status);
    }
}
