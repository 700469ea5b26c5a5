using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Waitlist;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>A round of offers while places free meanwhile, and an offer cancelled after its entry's window passed.</summary>
public sealed class WaitlistRoundTests
{
    [Fact]
    public async Task A_place_freed_during_a_round_is_not_offered_past_an_entry_left_out_of_the_line()
    {
        using var world = await SlotsWorld.CreateAsync();
        var queue = world.Services.GetRequiredService<WaitlistQueue>();
        // R1 at the site, R2 at the other site a week later: both full.
        var r1 = await world.PublishAsync(lines: 1);
        var r2 = await world.PublishAsync(SlotsWorld.RunStart.AddDays(7), lines: 1, site: SlotsWorld.OtherSite);
        var inR1 = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        var inR2 = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        Assert.Equal((r1.Id, r2.Id), (inR1.Value.CapacityId, inR2.Value.CapacityId));
        // E1 (a day earlier, so first) wants the site only; E2 any site.
        var e1 = (await world.RequestAsync(await world.EnrolAsync(), site: SlotsWorld.Site)).Entry!;
        world.Clock.Advance(TimeSpan.FromDays(1));
        var e2 = await world.WaitForNewPatientAsync();

        // R2 frees a place: the round's line holds E2 only, since E1 wants no run with room.
        await world.AdvanceAsync(SlotsWorld.SiteAccount(SlotsWorld.OtherSite), inR2.Id, BookingStatus.Cancelled);
        var turns = await queue.TurnsAsync(ManufacturingRun.Today(world.Clock.GetUtcNow()), CancellationToken.None);
        Assert.Equal([e2.Id], turns.Select(t => t.Entry.EntryId));
        // R1 frees a place before E2's turn: R1 is E2's earliest fit, but it is E1's place.
        await world.AdvanceAsync(SlotsWorld.SiteAccount(), inR1.Id, BookingStatus.Cancelled);
        Assert.Equal(0, await world.OfferFreedPlaces.OfferInTurnAsync(turns, CancellationToken.None));
        Assert.Equal(WaitlistStatus.Waiting, (await world.EntryAsync(e1.Id)).Status);

        // The next round ranks both: E1 gets R1, E2 gets R2.
        Assert.Equal(2, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        Assert.Equal(r1.Id, (await world.BookingAsync((await world.EntryAsync(e1.Id)).OfferedBookingId!)).Value.CapacityId);
        Assert.Equal(r2.Id, (await world.BookingAsync((await world.EntryAsync(e2.Id)).OfferedBookingId!)).Value.CapacityId);
    }

    [Fact]
    public async Task An_offer_cancelled_by_the_site_after_the_entrys_window_passed_closes_the_entry()
    {
        using var world = await SlotsWorld.CreateAsync(o => o.OfferTime = TimeSpan.FromHours(72));
        var lapse = world.Services.GetRequiredService<LapsePassedWindows>();
        var run = await world.PublishAsync(lines: 1);
        var holder = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        var pseudonym = await world.EnrolAsync();
        var asked = await world.RequestRun.ExecuteAsync(new RequestRunCommand(pseudonym, SlotsWorld.Product, SlotsWorld.Indication, UrgencyClass.Standard,
            SlotsWorld.Hospital, LatestStart: DateParts.Of(SlotsWorld.RunStart)), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);
        var entry = Assert.IsType<Stored<WaitlistEntry>>(asked.Entry);

        // Offered on the run's cut-off day, held for 72 hours: past the entry's due day (the day after its latest start).
        world.MoveTo(SlotsWorld.RunStart.AddDays(-1));
        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), holder.Id, BookingStatus.Cancelled);
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        var offer = (await world.EntryAsync(entry.Id)).OfferedBookingId!;
        Assert.Equal(run.Id, (await world.BookingAsync(offer)).Value.CapacityId);

        // Housekeeping sweeps past the due day while the entry holds the offer; then the site cancels the offer.
        world.MoveTo(SlotsWorld.RunStart.AddDays(2));
        Assert.Equal(0, await lapse.ExecuteAsync(CancellationToken.None));
        await world.AdvanceAsync(SlotsWorld.SiteAccount(), offer, BookingStatus.Cancelled);

        var closed = await world.EntryAsync(entry.Id);
        Assert.Equal((WaitlistStatus.Closed, WaitingEntries.LapsedReason(closed)), (closed.Status, closed.ClosedReason));
        Assert.Equal(new PatientClaim(pseudonym, null, null), await world.ClaimAsync(pseudonym));
    }
}
