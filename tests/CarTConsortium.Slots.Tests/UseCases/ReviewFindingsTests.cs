using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using Xunit;
using BookingChanged = CarTConsortium.Contracts.Slots.V1.BookingChanged;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>What a review of the booking desk found: freed places in the waitlist's order, offers cancelled by a site, bookings ended after release, event revisions.</summary>
public sealed class ReviewFindingsTests
{
    [Fact]
    public async Task A_new_request_does_not_take_a_freed_place_before_the_waiting_patient_it_is_owed_to()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 1);
        var first = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        var waiting = await world.WaitForNewPatientAsync(UrgencyClass.Emergency);
        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), first.Id, BookingStatus.Cancelled);

        // Before the housekeeping wakes, a newcomer of lower urgency asks.
        var newcomer = await world.RequestAsync(await world.EnrolAsync(), urgency: UrgencyClass.Standard);

        Assert.Null(newcomer.Booking);
        var decision = Assert.Single(newcomer.Decisions);
        Assert.Equal((run.Id, false), (decision.CapacityId, decision.Fits));
        Assert.Equal($"its free place is owed to a patient ahead in the waitlist (entry {waiting.Id}), who is offered it first", Assert.Single(decision.Reasons));
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        Assert.Equal(WaitlistStatus.Offered, (await world.EntryAsync(waiting.Id)).Status);
    }

    [Fact]
    public async Task An_emergency_newcomer_ranks_before_a_standard_waiting_patient_and_may_take_the_place()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        var first = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        await world.WaitForNewPatientAsync(UrgencyClass.Standard);
        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), first.Id, BookingStatus.Cancelled);

        var newcomer = await world.RequestAsync(await world.EnrolAsync(), urgency: UrgencyClass.Emergency);

        Assert.NotNull(newcomer.Booking);
    }

    [Fact]
    public async Task A_site_cancelling_an_offer_puts_the_patient_back_in_line_and_the_hospital_declining_it_closes_the_entry()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        var first = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        var waiting = await world.WaitForNewPatientAsync();
        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), first.Id, BookingStatus.Cancelled);
        await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None);
        var offer = Assert.Single(await world.BookingsAsync(BookingStatus.Held));

        await world.AdvanceAsync(SlotsWorld.SiteAccount(), offer.Id, BookingStatus.Cancelled, "line down");

        var back = await world.EntryAsync(waiting.Id);
        Assert.Equal((WaitlistStatus.Waiting, (string?)null, waiting.Value.JoinedAt), (back.Status, back.OfferedBookingId, back.JoinedAt));
        Assert.Equal(waiting.Id, (await world.ClaimAsync(waiting.Value.Pseudonym))!.OpenEntryId);
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        var again = Assert.Single(await world.BookingsAsync(BookingStatus.Held));

        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), again.Id, BookingStatus.Cancelled);

        var closed = await world.EntryAsync(waiting.Id);
        Assert.Equal((WaitlistStatus.Closed, "the offer was declined"), (closed.Status, closed.ClosedReason));
        Assert.True((await world.ClaimAsync(waiting.Value.Pseudonym))!.IsFree);
    }

    [Fact]
    public async Task A_released_product_not_infused_is_cancelled_the_patient_may_book_again_and_the_used_line_stays_taken()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 2);
        var booking = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed, BookingStatus.ApheresisShipped,
            BookingStatus.ApheresisReceived, BookingStatus.InManufacturing, BookingStatus.Released, BookingStatus.Shipped);

        var cancelled = await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), booking.Id, BookingStatus.Cancelled, "patient no longer eligible");

        Assert.Equal(BookingStatus.Cancelled, cancelled.Value.Status);
        Assert.True((await world.ClaimAsync(booking.Value.Pseudonym))!.IsFree);
        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);
    }

    [Fact]
    public async Task BookingChanged_carries_the_revision_each_change_committed()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        var booking = await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed, BookingStatus.ApheresisShipped);

        var raised = (await world.RaisedAsync<BookingChanged>()).Where(e => e.Booking.BookingId == booking.Id).Select(e => e.Booking.Revision.Version);

        Assert.Equal([1L, 2L, 3L], raised);
        Assert.Equal(3, (await world.BookingAsync(booking.Id)).Version);
    }
}
