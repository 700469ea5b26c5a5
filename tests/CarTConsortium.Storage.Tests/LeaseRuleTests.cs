using CarTConsortium.BuildingBlocks.Storage;
using Xunit;

namespace CarTConsortium.Storage.Tests;

public sealed class LeaseRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, 0, true)]             // never taken
    [InlineData("", 10, true)]              // released
    [InlineData("me", 10, true)]            // mine: a renewal
    [InlineData("me", -10, true)]           // mine and expired, nobody took it since
    [InlineData("other", 10, false)]        // another's, running
    [InlineData("other", 0, true)]          // another's, expiring this instant
    [InlineData("other", -1, true)]         // another's, expired
    public void A_lease_may_be_taken_when_free_expired_or_already_ones_own(string? holder, int expiresInSeconds, bool mayTake)
    {
        var current = holder is null && expiresInSeconds == 0 ? null : new LeaseState(holder, Now.AddSeconds(expiresInSeconds));

        Assert.Equal(mayTake, LeaseRule.MayTake(current, "me", Now));
    }
}
