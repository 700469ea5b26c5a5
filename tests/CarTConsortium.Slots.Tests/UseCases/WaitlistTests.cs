using System.Security.Cryptography;
using System.Text;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Waitlist;
using CarTConsortium.Testing;
using Xunit;
using WaitlistChanged = CarTConsortium.Contracts.Slots.V1.WaitlistChanged;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>The waitlist's order as stored and listed, and freed places offered down it: accepted, lapsed, declined.</summary>
public sealed class WaitlistTests
{
    [Fact]
    public async Task The_list_follows_failed_run_urgency_and_day_joined_then_a_lottery_anyone_can_redraw_once_the_seed_is_revealed()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        var line = await JoinAsync(world);

        var (listed, periods) = await world.ListWaitlist.ExecuteAsync(new ListWaitlistCommand(SlotsWorld.Product), Callers.Admin, CancellationToken.None);

        // The period is open: its commitment is shown, its seed is not.
        var period = Assert.Single(periods);
        Assert.Equal("2026-03", period.Period);
        Assert.Null(period.RevealedSeed);
        var equals = new[] { line.StandardDay1a, line.StandardDay1b, line.StandardDay1c }.OrderBy(e => e.Value.Draw, StringComparer.Ordinal);
        Assert.Equal([line.Emergency.Id, line.UrgentDay0.Id, line.UrgentDay2.Id, line.StandardDay0.Id, .. equals.Select(e => e.Id)],
            listed.Select(l => l.Stored.Id));
        Assert.Equal(Enumerable.Range(1, 7), listed.Select(l => l.Ranked.Position));
        Assert.Equal("first in line; ahead of " + line.UrgentDay0.Id + ": emergency before urgent", listed[0].Ranked.Explanation);
        Assert.Contains("joined 2 days earlier", listed[1].Ranked.Explanation, StringComparison.Ordinal);
        Assert.All(listed.Skip(4).Select((l, i) => (l, i)), x =>
            Assert.EndsWith($"lottery among 3 equals: drawn {x.i + 1} of 3 (draw of 2026-03)", x.l.Ranked.Explanation, StringComparison.Ordinal));
        // Reproducible: the same order from the entries as stored, whatever order they are given in.
        var stored = listed.Select(l => l.Stored.Value).ToList();
        foreach (var given in new[] { stored.AsEnumerable().Reverse(), stored.OrderBy(e => e.Pseudonym, StringComparer.Ordinal), stored.OrderByDescending(e => e.EntryId, StringComparer.Ordinal) })
        {
            Assert.Equal(listed.Select(l => l.Stored.Id), WaitlistOrder.Rank(given).Select(r => r.Entry.EntryId));
        }

        // Once March has closed the seed is shown, it matches the commitment, and every draw is HMAC-SHA256(seed, "pseudonym|product").
        world.MoveTo(new DateOnly(2026, 4, 1));
        var (_, revealed) = await world.ListWaitlist.ExecuteAsync(new ListWaitlistCommand(SlotsWorld.Product), Callers.Admin, CancellationToken.None);
        var march = Assert.Single(revealed, p => p.Period == "2026-03");
        var seed = Convert.FromHexString(march.RevealedSeed!);
        Assert.Equal(march.Commitment, Convert.ToHexStringLower(SHA256.HashData(seed)));
        Assert.All(stored, e => Assert.Equal(e.Draw,
            Convert.ToHexStringLower(HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes($"{e.Pseudonym}|{e.ProductId}")))));
    }

    [Fact]
    public async Task A_freed_place_goes_to_the_head_and_a_lapsed_or_declined_offer_passes_it_down_the_line()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 1);
        var first = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        var line = await JoinAsync(world);
        Assert.Equal(0, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));

        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), first.Id, BookingStatus.Cancelled);
        Assert.True(await world.WereFreedAsync());
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        var toHead = await OfferOfAsync(world, line.Emergency.Id);
        Assert.Equal(run.Id, toHead.Value.CapacityId);
        Assert.Equal(6, (await world.EntriesAsync(WaitlistStatus.Waiting)).Count);
        var withdraw = await Assert.ThrowsAsync<RuleViolationException>(() =>
            world.WithdrawFromWaitlist.ExecuteAsync(new WithdrawFromWaitlistCommand(line.Emergency.Id, 2), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None));
        Assert.Equal($"Entry {line.Emergency.Id} holds an offer (booking {toHead.Id}): confirm or cancel that booking.", withdraw.Message);

        // Unanswered for the offer time: the entry closes and the next in line is offered the place.
        world.Clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(1, await world.LapseDueHolds.ExecuteAsync(CancellationToken.None));
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        var lapsed = await world.EntryAsync(line.Emergency.Id);
        Assert.Equal((WaitlistStatus.Closed, "the offer lapsed unanswered"), (lapsed.Status, lapsed.ClosedReason));
        Assert.Equal(new PatientClaim(lapsed.Pseudonym, null, null), await world.ClaimAsync(lapsed.Pseudonym));
        var second = await OfferOfAsync(world, line.UrgentDay0.Id);

        // Declined: cancelling the offered booking.
        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), second.Id, BookingStatus.Cancelled, "the family declines");
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        var declined = await world.EntryAsync(line.UrgentDay0.Id);
        Assert.Equal((WaitlistStatus.Closed, "the offer was declined"), (declined.Status, declined.ClosedReason));
        Assert.Equal(new PatientClaim(declined.Pseudonym, null, null), await world.ClaimAsync(declined.Pseudonym));
        await OfferOfAsync(world, line.UrgentDay2.Id);

        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);
        Assert.Equal(["offered", "closed", "offered", "closed", "offered"],
            (await world.RaisedAsync<WaitlistChanged>()).Where(e => e.Change is "offered" or "closed").Select(e => e.Change));
    }

    [Fact]
    public async Task A_failed_manufacturing_run_puts_the_patient_ahead_of_an_emergency_that_joined_earlier()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 1);
        var patient = await world.EnrolAsync();
        var failing = await world.WalkAsync(await world.HoldAsync(patient),
            BookingStatus.Confirmed, BookingStatus.ApheresisShipped, BookingStatus.ApheresisReceived, BookingStatus.InManufacturing);
        var emergency = await world.WaitForNewPatientAsync(UrgencyClass.Emergency);
        world.Clock.Advance(TimeSpan.FromDays(3));

        var failed = await world.AdvanceAsync(SlotsWorld.SiteAccount(), failing.Id, BookingStatus.ManufacturingFailed, "sterility test failed");

        Assert.Equal(BookingStatus.ManufacturingFailed, failed.Value.Status);
        var claim = (await world.ClaimAsync(patient))!;
        Assert.Null(claim.ActiveBookingId);
        var rerun = await world.EntryAsync(claim.OpenEntryId!);
        Assert.Equal((true, UrgencyClass.Standard, WaitlistStatus.Waiting, world.Clock.GetUtcNow()), (rerun.PriorFailedRun, rerun.Urgency, rerun.Status, rerun.JoinedAt));
        var (listed, _) = await world.ListWaitlist.ExecuteAsync(new ListWaitlistCommand(SlotsWorld.Product), Callers.Admin, CancellationToken.None);
        Assert.Equal([rerun.EntryId, emergency.Id], listed.Select(l => l.Stored.Id));
        Assert.Equal($"first in line; ahead of {emergency.Id}: a failed manufacturing run goes first", listed[0].Ranked.Explanation);
        var explained = await world.ExplainAllocation.ExecuteAsync(new ExplainAllocationCommand(rerun.RequestId, null), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);
        Assert.Equal($"Manufacturing of booking {failing.Id} failed; the patient is first in line for a re-run of {SlotsWorld.Product}.", explained.Decision.Summary);
        // The failed run used its line; the next run published goes to the patient first.
        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);
        await world.PublishAsync(SlotsWorld.RunStart.AddDays(14), lines: 1);
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        Assert.Equal(patient, (await OfferOfAsync(world, rerun.EntryId)).Value.Pseudonym);
        Assert.Equal(WaitlistStatus.Waiting, (await world.EntryAsync(emergency.Id)).Status);
    }

    /// <summary>Seven patients joining over three days, while the only run is booked.</summary>
    private static async Task<Line> JoinAsync(SlotsWorld world)
    {
        var standardDay0 = await world.WaitForNewPatientAsync();
        var urgentDay0 = await world.WaitForNewPatientAsync(UrgencyClass.Urgent);
        world.Clock.Advance(TimeSpan.FromDays(1));
        var a = await world.WaitForNewPatientAsync();
        var emergency = await world.WaitForNewPatientAsync(UrgencyClass.Emergency);
        var b = await world.WaitForNewPatientAsync();
        var c = await world.WaitForNewPatientAsync();
        world.Clock.Advance(TimeSpan.FromDays(1));
        var urgentDay2 = await world.WaitForNewPatientAsync(UrgencyClass.Urgent);
        return new Line(standardDay0, urgentDay0, a, b, c, emergency, urgentDay2);
    }

    private sealed record Line(Stored<WaitlistEntry> StandardDay0, Stored<WaitlistEntry> UrgentDay0, Stored<WaitlistEntry> StandardDay1a, Stored<WaitlistEntry> StandardDay1b,
        Stored<WaitlistEntry> StandardDay1c, Stored<WaitlistEntry> Emergency, Stored<WaitlistEntry> UrgentDay2);


    /// <summary>The run held for the entry's patient from the waitlist, with the entry marked offered.</summary>
    private static async Task<Stored<Booking>> OfferOfAsync(SlotsWorld world, string entryId)
    {
        var entry = await world.EntryAsync(entryId);
        Assert.Equal(WaitlistStatus.Offered, entry.Status);
        var offer = await world.BookingAsync(entry.OfferedBookingId!);
        Assert.Equal((BookingStatus.Held, (string?)entryId, world.Clock.GetUtcNow() + TimeSpan.FromHours(24)), (offer.Value.Status, offer.Value.WaitlistEntryId, offer.Value.HoldExpiresAt));
        Assert.Equal(new PatientClaim(entry.Pseudonym, offer.Id, entryId), await world.ClaimAsync(entry.Pseudonym));
        return offer;
    }
}
