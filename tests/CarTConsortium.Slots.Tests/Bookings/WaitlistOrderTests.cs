using System.Security.Cryptography;
using System.Text;
using CarTConsortium.Slots.Domain.Waitlist;
using Xunit;

namespace CarTConsortium.Slots.Tests.Bookings;

/// <summary>The waitlist's priority, criterion by criterion, the lottery by each patient's kept draw, and the explanations.</summary>
public sealed class WaitlistOrderTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly LotterySeed Seed = LotterySeed.Of("2026-03", [.. Enumerable.Range(1, LotterySeed.SeedBytes).Select(i => (byte)i)]);

    /// <summary>An entry of its own patient (the id stands in for the pseudonym), drawn with <see cref="Seed"/> unless a draw is given.</summary>
    private static WaitlistEntry Entry(string id, UrgencyClass urgency = UrgencyClass.Standard, DateTimeOffset? joined = null, bool failed = false, string? draw = null) =>
        new(id, "KZ-7Q2M-0XK1-R9TB-4HCW", "KZ", "kz-rcch-almaty", "ncb-cd19-academic", urgency, joined ?? Day1, failed)
        {
            Draw = draw ?? Seed.DrawFor(id, "ncb-cd19-academic"),
            DrawPeriod = draw == "" ? "" : Seed.Period,
        };

    private static string[] Ids(IReadOnlyList<RankedEntry> ranked) => ranked.Select(r => r.Entry.EntryId).ToArray();

    [Fact]
    public void A_failed_run_goes_before_every_urgency_and_every_wait()
    {
        var ranked = WaitlistOrder.Rank([
            Entry("emergency-early", UrgencyClass.Emergency, Day1.AddDays(-30)),
            Entry("failed-standard-late", UrgencyClass.Standard, Day1.AddDays(10), failed: true),
        ]);

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
        ]);

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
        ]);

        Assert.Equal(["day1", "day2", "day4"], Ids(ranked));
        Assert.Equal("first in line; ahead of day2: joined 1 day earlier", ranked[0].Explanation);
        Assert.Equal("behind day1: joined 1 day earlier; ahead of day4: joined 2 days earlier", ranked[1].Explanation);
    }

    [Fact]
    public void Joining_on_the_same_utc_day_is_equal_whatever_the_hour_and_one_tick_over_midnight_is_not()
    {
        var midnight = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        // w-e draws first, so an early hour alone cannot put w-a first.
        var sameDay = WaitlistOrder.Rank([Entry("w-a", joined: midnight.AddDays(-1), draw: "b0"), Entry("w-e", joined: midnight.AddTicks(-1), draw: "a0")]);
        var nextDay = WaitlistOrder.Rank([Entry("w-a", joined: midnight.AddTicks(-1), draw: "b0"), Entry("w-e", joined: midnight, draw: "a0")]);
        // A time in another zone counts by its UTC day: 01:00 at +05:00 is the day before in UTC.
        var zoned = WaitlistOrder.Rank([Entry("w-a", joined: new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.FromHours(5)), draw: "b0"), Entry("w-e", joined: midnight, draw: "a0")]);

        Assert.Equal(["w-e", "w-a"], Ids(sameDay));
        Assert.All(sameDay, r => Assert.Contains("lottery among 2 equals", r.Explanation, StringComparison.Ordinal));
        Assert.Equal(["w-a", "w-e"], Ids(nextDay));
        Assert.Equal("behind w-a: joined 1 day earlier", nextDay[1].Explanation);
        Assert.Equal(["w-a", "w-e"], Ids(zoned));
    }

    private static readonly string[] SixIds = ["w-a", "w-b", "w-c", "w-d", "w-e", "w-f"];

    [Fact]
    public void The_lottery_orders_equals_by_their_draws_lowest_first_as_an_independent_hmac_computes_them()
    {
        var entries = Enumerable.Range(0, 20).Select(i => Entry($"entry-{i:D2}")).ToArray();
        var shuffled = entries.Reverse().ToArray();
        new Random(1).Shuffle(shuffled);

        var first = Ids(WaitlistOrder.Rank(entries));

        Assert.Equal(first, Ids(WaitlistOrder.Rank(shuffled)));
        // What anyone holding the revealed seed computes: HMAC-SHA256(seed bytes, "pseudonym|product").
        using var hmac = new HMACSHA256([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
        var independent = entries
            .Select(e => (e.EntryId, Draw: Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{e.EntryId}|ncb-cd19-academic")))))
            .OrderBy(d => d.Draw, StringComparer.Ordinal)
            .Select(d => d.EntryId);
        Assert.Equal(independent, first);
        for (var i = 0; i < first.Length; i++)
        {
            Assert.EndsWith($"lottery among 20 equals: drawn {i + 1} of 20 (draw of 2026-03)", WaitlistOrder.Rank(entries)[i].Explanation, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_draw_not_the_entry_id_decides_so_a_new_entry_of_the_same_patient_stands_where_the_old_one_stood()
    {
        var before = WaitlistOrder.Rank([Entry("old-entry", draw: "7f"), Entry("other", draw: "80"), Entry("third", draw: "10")]);
        var after = WaitlistOrder.Rank([Entry("new-entry-after-withdrawal", draw: "7f"), Entry("other", draw: "80"), Entry("third", draw: "10")]);

        Assert.Equal(2, before.Single(r => r.Entry.EntryId == "old-entry").Position);
        Assert.Equal(2, after.Single(r => r.Entry.EntryId == "new-entry-after-withdrawal").Position);
    }

    [Fact]
    public void Entries_without_a_kept_draw_come_after_those_with_one_among_equals()
    {
        var ranked = WaitlistOrder.Rank([Entry("legacy-b", draw: ""), Entry("drawn", draw: "ff"), Entry("legacy-a", draw: "")]);

        Assert.Equal(["drawn", "legacy-a", "legacy-b"], Ids(ranked));
        Assert.EndsWith("(no draw kept)", ranked[1].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_lottery_orders_only_within_a_group_of_equals_and_each_group_is_explained()
    {
        var ranked = WaitlistOrder.Rank([
            Entry("w-a", UrgencyClass.Urgent, draw: "02"), Entry("w-b", UrgencyClass.Urgent, draw: "06"), Entry("w-e", UrgencyClass.Urgent, draw: "01"),
            Entry("w-c", UrgencyClass.Standard, draw: "04"), Entry("w-d", UrgencyClass.Standard, draw: "03"), Entry("w-f", UrgencyClass.Standard, draw: "05"),
            Entry("lone", UrgencyClass.Standard, Day1.AddDays(1), draw: "00"),
        ]);

        Assert.Equal(["w-e", "w-a", "w-b", "w-d", "w-c", "w-f", "lone"], Ids(ranked));
        Assert.Equal("lottery among 3 equals: drawn 2 of 3 (draw of 2026-03)", ranked[1].Explanation);
        Assert.Equal("ahead of w-d: urgent before standard; lottery among 3 equals: drawn 3 of 3 (draw of 2026-03)", ranked[2].Explanation);
        Assert.Equal("behind w-b: urgent before standard; lottery among 3 equals: drawn 1 of 3 (draw of 2026-03)", ranked[3].Explanation);
        Assert.Equal("ahead of lone: joined 1 day earlier; lottery among 3 equals: drawn 3 of 3 (draw of 2026-03)", ranked[5].Explanation);
        Assert.Equal("behind w-f: joined 1 day earlier", ranked[6].Explanation);
    }

    [Fact]
    public void An_empty_list_ranks_to_nothing_and_a_single_entry_is_first()
    {
        Assert.Empty(WaitlistOrder.Rank([]));
        var single = Assert.Single(WaitlistOrder.Rank([Entry("only")]));
        Assert.Equal((1, "first in line"), (single.Position, single.Explanation));
    }

    [Fact]
    public void Duplicate_ids_and_a_missing_urgency_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WaitlistOrder.Rank([Entry("same"), Entry("same", UrgencyClass.Urgent)]));
        Assert.Throws<ArgumentException>(() => WaitlistOrder.Rank([Entry("none", UrgencyClass.Unspecified)]));
        Assert.Throws<ArgumentException>(() => WaitlistOrder.Rank([Entry("odd", (UrgencyClass)9)]));
        Assert.Throws<ArgumentException>(() => WaitlistOrder.Rank([Entry("")]));
    }

    [Fact]
    public void A_seed_matches_its_commitment_and_different_seeds_give_different_draws()
    {
        var other = LotterySeed.New("2026-03");

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(Seed.Seed))), Seed.Commitment);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(other.Seed))), other.Commitment);
        var orders = SixIds.Select(id => (Seed.DrawFor(id, "p"), other.DrawFor(id, "p")));
        Assert.All(orders, pair => Assert.NotEqual(pair.Item1, pair.Item2));
        Assert.True(Seed.IsRevealedIn("2026-04"));
        Assert.False(Seed.IsRevealedIn("2026-03"));
    }
}
