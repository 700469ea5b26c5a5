using CarTConsortium.BuildingBlocks.Eventing;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>The one rule both transports obey: retry or defer with capped backoff, dead-letter after the time budget, poison at once.</summary>
public sealed class DeliveryBudgetTests
{
    private static readonly DateTimeOffset First = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DeliveryBudget Budget = new(TimeSpan.FromHours(24), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData(DeliveryFailure.Transient, DeliveryVerdict.Retry)]
    [InlineData(DeliveryFailure.NotYetApplicable, DeliveryVerdict.Defer)]
    public void Within_the_budget_a_failure_is_retried_and_an_early_event_deferred(DeliveryFailure failure, DeliveryVerdict verdict)
    {
        foreach (var spent in new[] { TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromHours(23.99) })
        {
            Assert.Equal(verdict, Budget.Decide(First, First + spent, attempts: 3, failure).Verdict);
        }
    }

    [Theory]
    [InlineData(DeliveryFailure.Transient)]
    [InlineData(DeliveryFailure.NotYetApplicable)]
    public void Once_the_budget_is_spent_either_is_dead_lettered_however_few_the_attempts(DeliveryFailure failure)
    {
        Assert.Equal(new DeliveryDecision(DeliveryVerdict.DeadLetter, TimeSpan.Zero), Budget.Decide(First, First + TimeSpan.FromHours(24), 1, failure));
        Assert.Equal(DeliveryVerdict.DeadLetter, Budget.Decide(First, First + TimeSpan.FromDays(3), 2, failure).Verdict);
    }

    [Fact]
    public void Many_attempts_within_the_budget_are_not_dead_lettered()
    {
        Assert.Equal(DeliveryVerdict.Retry, Budget.Decide(First, First + TimeSpan.FromHours(1), 10_000, DeliveryFailure.Transient).Verdict);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    public void Poison_is_dead_lettered_at_once(int attempts)
    {
        Assert.Equal(new DeliveryDecision(DeliveryVerdict.DeadLetter, TimeSpan.Zero), Budget.Decide(First, First, attempts, DeliveryFailure.Poison));
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(9, 256_000)]
    [InlineData(10, 300_000)]
    [InlineData(64, 300_000)]
    [InlineData(int.MaxValue, 300_000)]
    public void The_wait_doubles_per_attempt_up_to_the_cap_and_jitter_takes_at_most_half(int attempts, int fullMilliseconds)
    {
        var full = Budget.Decide(First, First, attempts, DeliveryFailure.Transient, jitter: 1).RetryAfter;
        var least = Budget.Decide(First, First, attempts, DeliveryFailure.Transient, jitter: 0).RetryAfter;

        Assert.Equal(TimeSpan.FromMilliseconds(fullMilliseconds), full);
        Assert.Equal(TimeSpan.FromMilliseconds(fullMilliseconds / 2.0), least);
    }

    [Fact]
    public void A_deferral_backs_off_like_a_retry()
    {
        Assert.Equal(Budget.Decide(First, First, 4, DeliveryFailure.Transient, 0.5).RetryAfter,
            Budget.Decide(First, First, 4, DeliveryFailure.NotYetApplicable, 0.5).RetryAfter);
    }

    [Fact]
    public void The_last_wait_ends_at_the_deadline_not_past_it()
    {
        var decision = Budget.Decide(First, First + TimeSpan.FromHours(24) - TimeSpan.FromSeconds(10), 30, DeliveryFailure.Transient);

        Assert.Equal(new DeliveryDecision(DeliveryVerdict.Retry, TimeSpan.FromSeconds(10)), decision);
    }

    [Fact]
    public void A_clock_behind_the_first_attempt_counts_as_no_time_spent()
    {
        // Another replica's clock recorded the first attempt a little ahead of this one.
        var decision = Budget.Decide(First, First - TimeSpan.FromMinutes(2), 2, DeliveryFailure.Transient);

        Assert.Equal(new DeliveryDecision(DeliveryVerdict.Retry, TimeSpan.FromSeconds(2)), decision);
    }

    [Fact]
    public void Nonsense_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Budget.Decide(First, First, 0, DeliveryFailure.Transient));
        Assert.Throws<ArgumentOutOfRangeException>(() => Budget.Decide(First, First, 1, DeliveryFailure.Transient, jitter: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Budget.Decide(First, First, 1, DeliveryFailure.Transient, jitter: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeliveryBudget(TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeliveryBudget(TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.FromSeconds(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeliveryBudget(TimeSpan.FromHours(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void The_settings_give_the_budget()
    {
        var budget = DeliveryBudget.From(new EventingOptions { DeadLetterAfter = TimeSpan.FromHours(6) });

        Assert.Equal(TimeSpan.FromHours(6), budget.DeadLetterAfter);
        Assert.Equal(TimeSpan.FromHours(24), new EventingOptions().DeadLetterAfter);
    }
}
