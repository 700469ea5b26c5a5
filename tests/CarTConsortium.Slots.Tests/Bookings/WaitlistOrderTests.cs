using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CarTConsortium.Slots.Domain.Waitlist;
using Xunit;

namespace CarTConsortium.Slots.Tests.Bookings;

/// <summary>The waitlist's priority, criterion by criterion, the seeded lottery and the explanations.</summary>
public sealed class WaitlistOrderTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static WaitlistEntry Entry(string id, UrgencyClass urgency = UrgencyClass.Standard, DateTimeOffset? joined = null, bool failed = false) =>
        new(id, "KZ-7Q2M-0XK1-R9TB-4HCW", "KZ", "kz-rcch-almaty", "ncb-cd19-academic", urgency, joined ?? Day1, failed);

    private static string[] Ids(IReadOnlyList<RankedEntry> ranked) => ranked.Select(r => r.Entry.EntryId).ToArray();

    [Fact]
    public void A_failed_run_goes_before_every_urgency_and_every_wait()
    {
        var ranked = WaitlistOrder.Rank([
            Entry("emergency-early", UrgencyClass.Emergency, Day1.AddDays(-30)),
            Entry("failed-standard-late", UrgencyClass.Standard, Day1.AddDays(10), failed: true),
        ], 42);

        Assert.Equal(["failed-standard-late", "emergency-early"], Ids(ranked));
        Assert.Equal("first in line; ahead of emergency-early: a failed manufacturing run goes first", ranked[0].Explanation);
        Assert.Equal("behind failed-standard-late: a failed manufacturing run goes first", ranked[1].Explanation);
    }

    [Fact]
    public void Urgency_goes_before_time_waited()
    {
        var ranked = WaitlistOrder.Rank([
            Entry("standard", UrgencyClass.Standard, Day1.AddDays(-60)),
            Entry("urgent", UrgencyClass.Urgent, Day1.AddDays(-30)),
            Entry("emergency", UrgencyClass.Emergency, Day1),
        ], 42);

        Assert.Equal(["emergency", "urgent", "standard"], Ids(ranked));
        Assert.Equal([1, 2, 3], ranked.Select(r => r.Position));
        Assert.Equal("first in line; ahead of urgent: emergency before urgent", ranked[0].Explanation);
        Assert.Equal("behind emergency: emergency before urgent; ahead of standard: urgent before standard", ranked[1].Explanation);
        Assert.Equal("behind urgent: urgent before standard", ranked[2].Explanation);
    }

    [Fact]
    public void Among_the_same_urgency_the_earlier_day_goes_first()
    {
        var ranked = WaitlistOrder.Rank([
            Entry("day4", joined: Day1.AddDays(3)),
            Entry("day1", joined: Day1),
            Entry("day2", joined: Day1.AddDays(1)),
        ], 42);

        Assert.Equal(["day1", "day2", "day4"], Ids(ranked));
        Assert.Equal("first in line; ahead of day2: joined 1 day earlier", ranked[0].Explanation);
        Assert.Equal("behind day1: joined 1 day earlier; ahead of day4: joined 2 days earlier", ranked[1].Explanation);
    }

    [Fact]
    public void Joining_on_the_same_utc_day_is_equal_whatever_the_hour_and_one_tick_over_midnight_is_not()
    {
        var midnight = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        // w-e draws first for seed 42 (see the known-answer test), so an early hour alone cannot put w-a first.
        var sameDay = WaitlistOrder.Rank([Entry("w-a", joined: midnight.AddDays(-1)), Entry("w-e", joined: midnight.AddTicks(-1))], 42);
        var nextDay = WaitlistOrder.Rank([Entry("w-a", joined: midnight.AddTicks(-1)), Entry("w-e", joined: midnight)], 42);
        // A time in another zone counts by its UTC day: 01:00 at +05:00 is the day before in UTC.
        var zoned = WaitlistOrder.Rank([Entry("w-a", joined: new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.FromHours(5))), Entry("w-e", joined: midnight)], 42);

        Assert.Equal(["w-e", "w-a"], Ids(sameDay));
        Assert.All(sameDay, r => Assert.Contains("lottery with seed 42 among 2 equals", r.Explanation, StringComparison.Ordinal));
        Assert.Equal(["w-a", "w-e"], Ids(nextDay));
        Assert.Equal("behind w-a: joined 1 day earlier", nextDay[1].Explanation);
        Assert.Equal(["w-a", "w-e"], Ids(zoned));
    }

    private static readonly string[] SixIds = ["w-a", "w-b", "w-c", "w-d", "w-e", "w-f"];

    // Computed outside .NET when the test was written: printf %s ID | openssl dgst -sha256 -hmac SEED, lowest digest first.
    [Theory]
    [InlineData(42, new[] { "w-e", "w-a", "w-d", "w-c", "w-f", "w-b" })]
    [InlineData(7, new[] { "w-e", "w-b", "w-d", "w-f", "w-c", "w-a" })]
    public void The_lottery_matches_the_documented_hmac_draw(int seed, string[] expected)
    {
        var ranked = WaitlistOrder.Rank(SixIds.Select(id => Entry(id)), seed);

        Assert.Equal(expected, Ids(ranked));
        for (var i = 0; i < ranked.Count; i++)
        {
            Assert.Equal($"{(i == 0 ? "first in line; " : "")}lottery with seed {seed} among 6 equals: drawn {i + 1} of 6", ranked[i].Explanation);
        }
    }

    [Fact]
    public void The_lottery_is_the_same_for_the_same_seed_whatever_the_input_order_and_matches_a_fresh_hmac()
    {
        var entries = Enumerable.Range(0, 20).Select(i => Entry($"entry-{i:D2}")).ToArray();
        var shuffled = entries.Reverse().ToArray();
        new Random(1).Shuffle(shuffled);

        var first = Ids(WaitlistOrder.Rank(entries, 1234));
        var again = Ids(WaitlistOrder.Rank(shuffled, 1234));

        Assert.Equal(first, again);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(1234.ToString(CultureInfo.InvariantCulture)));
        var independent = entries
            .Select(e => (e.EntryId, Draw: Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(e.EntryId)))))
            .OrderBy(d => d.Draw, StringComparer.Ordinal)
            .Select(d => d.EntryId);
        Assert.Equal(independent, first);
    }

    [Fact]
    public void Different_seeds_give_different_draws()
    {
        var entries = SixIds.Select(id => Entry(id)).ToArray();

        var orders = Enumerable.Range(0, 10).Select(seed => string.Join(",", Ids(WaitlistOrder.Rank(entries, seed)))).Distinct().Count();

        // 720 possible orders: ten seeds giving fewer than five would mean the seed hardly matters.
        Assert.True(orders >= 5, $"ten seeds gave only {orders} orders");
        Assert.NotEqual(Ids(WaitlistOrder.Rank(entries, 42)), Ids(WaitlistOrder.Rank(entries, 7)));
    }

    [Fact]
    public void The_lottery_orders_only_within_a_group_of_equals_and_each_group_is_explained()
    {
        var ranked = WaitlistOrder.Rank([
            Entry("w-a", UrgencyClass.Urgent), Entry("w-b", UrgencyClass.Urgent), Entry("w-e", UrgencyClass.Urgent),
            Entry("w-c", UrgencyClass.Standard), Entry("w-d", UrgencyClass.Standard), Entry("w-f", UrgencyClass.Standard),
            Entry("lone", UrgencyClass.Standard, Day1.AddDays(1)),
        ], 42);

        // Seed 42 draws w-e, w-a, w-d, w-c, w-f, w-b over all six: each group keeps that relative order.
        Assert.Equal(["w-e", "w-a", "w-b", "w-d", "w-c", "w-f", "lone"], Ids(ranked));
        Assert.Equal("lottery with seed 42 among 3 equals: drawn 2 of 3", ranked[1].Explanation);
        Assert.Equal("ahead of w-d: urgent before standard; lottery with seed 42 among 3 equals: drawn 3 of 3", ranked[2].Explanation);
        Assert.Equal("behind w-b: urgent before standard; lottery with seed 42 among 3 equals: drawn 1 of 3", ranked[3].Explanation);
        Assert.Equal("ahead of lone: joined 1 day earlier; lottery with seed 42 among 3 equals: drawn 3 of 3", ranked[5].Explanation);
        Assert.Equal("behind w-f: joined 1 day earlier", ranked[6].Explanation);
    }

    [Fact]
    public void An_empty_list_ranks_to_nothing_and_a_single_entry_is_first()
    {
        Assert.Empty(WaitlistOrder.Rank([], 42));
        var single = Assert.Single(WaitlistOrder.Rank([Entry("only")], 42));
        Assert.Equal((1, "first in line"), (single.Position, single.Explanation));
    }

    [Fact]
    public void Duplicate_ids_and_a_missing_urgency_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WaitlistOrder.Rank([Entry("same"), Entry("same", UrgencyClass.Urgent)], 42));
        Assert.Throws<ArgumentException>(() => WaitlistOrder.Rank([Entry("none", UrgencyClass.Unspecified)], 42));
        Assert.Throws<ArgumentException>(() => WaitlistOrder.Rank([Entry("odd", (UrgencyClass)9)], 42));
        Assert.Throws<ArgumentException>(() => WaitlistOrder.Rank([Entry("")], 42));
    }

    [Fact]
    public void A_negative_seed_is_a_seed_like_any_other()
    {
        var entries = SixIds.Select(id => Entry(id)).ToArray();

        var ranked = WaitlistOrder.Rank(entries, -5);

        Assert.Equal(Ids(ranked), Ids(WaitlistOrder.Rank(entries.Reverse(), -5)));
        Assert.Contains("lottery with seed -5 among 6 equals", ranked[0].Explanation, StringComparison.Ordinal);
    }
}
