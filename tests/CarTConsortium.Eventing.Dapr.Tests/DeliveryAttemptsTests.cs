namespace CarTConsortium.Eventing.Dapr.Tests;

public sealed class DeliveryAttemptsTests
{
    [Fact]
    public void Counts_per_event_and_topic_and_restarts_after_forget()
    {
        var attempts = new DeliveryAttempts(capacity: 10);

        Assert.Equal(1, attempts.Next("t", "a"));
        Assert.Equal(2, attempts.Next("t", "a"));
        Assert.Equal(1, attempts.Next("other", "a"));
        attempts.Forget("t", "a");
        Assert.Equal(1, attempts.Next("t", "a"));
    }

    [Fact]
    public void Stays_bounded_by_forgetting_the_least_recently_delivered_event()
    {
        var attempts = new DeliveryAttempts(capacity: 2);
        attempts.Next("t", "old");
        attempts.Next("t", "kept");
        attempts.Next("t", "kept");
        attempts.Next("t", "new");

        Assert.Equal(2, attempts.Tracked);
        Assert.Equal(3, attempts.Next("t", "kept"));
        Assert.Equal(1, attempts.Next("t", "old"));
    }
}
