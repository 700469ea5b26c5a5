using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Testing;
using Xunit;
using BookingChanged = CarTConsortium.Contracts.Slots.V1.BookingChanged;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>A booking's lifecycle through <see cref="CarTConsortium.Slots.UseCases.Bookings.AdvanceBooking"/>: who takes each step, what is kept of it, and what a refused step leaves.</summary>
public sealed class LifecycleTests
{
    private static readonly Caller Hospital = SlotsWorld.Coordinator(SlotsWorld.Hospital);
    private static readonly Caller Site = SlotsWorld.SiteAccount();

    [Fact]
    public async Task From_hold_to_infusion_each_party_takes_its_steps_and_the_custody_keeps_who_and_when()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 2);
        var patient = await world.EnrolAsync();
        var booking = await world.HoldAsync(patient);
        var taken = new List<(BookingStatus Status, DateTimeOffset At, Caller By)> { (BookingStatus.Held, world.Clock.GetUtcNow(), Hospital) };

        foreach (var (by, to) in new[]
        {
            (Hospital, BookingStatus.Confirmed), (Hospital, BookingStatus.ApheresisShipped), (Site, BookingStatus.ApheresisReceived),
            (Site, BookingStatus.InManufacturing), (Site, BookingStatus.Released), (Site, BookingStatus.Shipped), (Hospital, BookingStatus.Infused),
        })
        {
            world.Clock.Advance(TimeSpan.FromHours(5));
            booking = (await world.AdvanceBooking.ExecuteAsync(new AdvanceBookingCommand(booking.Id, to, booking.Version, $"{to} as planned"), by, CancellationToken.None)).Stored;
            taken.Add((to, world.Clock.GetUtcNow(), by));
            Assert.Equal(to, booking.Value.Status);
        }

        var stored = await world.BookingAsync(booking.Id);
        Assert.Equal(SlotsWorld.Whole(booking), SlotsWorld.Whole(stored));
        Assert.Equal(8, stored.Version);
        Assert.Equal(taken.Select(t => (t.Status, t.At, t.By.Subject, t.By.ClientId, t.By.Org)),
            stored.Value.Custody.Select(c => (c.Status, c.At, c.Subject, c.ClientId, c.Org)));
        Assert.All(stored.Value.Custody.Skip(1), c => Assert.Equal($"{c.Status} as planned", c.Note));
        Assert.Equal(["held", "confirmed", "apheresis shipped", "apheresis received", "in manufacturing", "released", "shipped", "infused"],
            (await world.RaisedAsync<BookingChanged>()).Select(e => e.Change));
        // A run that was manufactured used its line: infusion frees the patient, not the place.
        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);
        Assert.Equal(new PatientClaim(patient, null, null), await world.ClaimAsync(patient));
        var next = await world.HoldAsync(patient);
        Assert.Equal(2, (await world.PlacesAsync(run)).Taken);
        Assert.Equal(BookingStatus.Held, next.Value.Status);
    }

    [Fact]
    public async Task A_step_by_the_wrong_party_is_permission_denied_and_an_illegal_step_is_a_rule_violation_and_neither_changes_anything()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 2);
        var held = await world.HoldForNewPatientAsync();
        var pending = (await world.Sqlite.ReadPendingAsync(1000)).Count;

        var siteConfirms = await Assert.ThrowsAsync<PermissionDeniedException>(() => world.AdvanceBooking.ExecuteAsync(new AdvanceBookingCommand(held.Id, BookingStatus.Confirmed, 1, null), Site, CancellationToken.None));
        var hospitalReceives = await Assert.ThrowsAsync<PermissionDeniedException>(() => world.AdvanceBooking.ExecuteAsync(new AdvanceBookingCommand(held.Id, BookingStatus.ApheresisReceived, 1, null), Hospital, CancellationToken.None));
        var adminConfirms = await Assert.ThrowsAsync<PermissionDeniedException>(() => world.AdvanceBooking.ExecuteAsync(new AdvanceBookingCommand(held.Id, BookingStatus.Confirmed, 1, null), Callers.Admin, CancellationToken.None));
        var otherHospital = await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            world.AdvanceBooking.ExecuteAsync(new AdvanceBookingCommand(held.Id, BookingStatus.Cancelled, 1, null), SlotsWorld.Coordinator(SlotsWorld.OtherHospital), CancellationToken.None));
        // Nobody sets a hold or an expiry by hand: an illegal step, whoever asks.
        var byHand = await Assert.ThrowsAsync<RuleViolationException>(() => world.AdvanceBooking.ExecuteAsync(new AdvanceBookingCommand(held.Id, BookingStatus.Expired, 1, null), Hospital, CancellationToken.None));
        var illegal = await Assert.ThrowsAsync<RuleViolationException>(() => world.AdvanceBooking.ExecuteAsync(new AdvanceBookingCommand(held.Id, BookingStatus.Infused, 1, null), Hospital, CancellationToken.None));

        Assert.Equal($"Not allowed: only the treating hospital's coordinator ({SlotsWorld.Hospital}) records the confirmation.", siteConfirms.Message);
        Assert.Equal($"Not allowed: only the manufacturing site ({SlotsWorld.Site}) records the apheresis arrival.", hospitalReceives.Message);
        Assert.Contains("only the treating hospital's coordinator", adminConfirms.Message, StringComparison.Ordinal);
        Assert.Equal(BookingAccess.WhoMayFollow, otherHospital.Message);
        Assert.Equal($"Booking {held.Id}: nobody sets a booking to expired; a hold comes from RequestRun and expires by itself.", byHand.Message);
        Assert.Equal($"Booking {held.Id} is Held; it cannot become Infused.", illegal.Message);
        Assert.Equal(SlotsWorld.Whole(held), SlotsWorld.Whole(await world.BookingAsync(held.Id)));
        Assert.Equal(pending, (await world.Sqlite.ReadPendingAsync(1000)).Count);
    }

    [Fact]
    public async Task A_stale_expected_revision_is_aborted_at_once_without_a_retry()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync();
        var held = await world.HoldForNewPatientAsync();
        var confirmed = await world.WalkAsync(held, BookingStatus.Confirmed);
        var readsBefore = world.Store.FindsOf(SlotsCollections.Bookings);

        var stale = await Assert.ThrowsAsync<CallerRevisionStaleException>(() =>
            world.AdvanceBooking.ExecuteAsync(new AdvanceBookingCommand(held.Id, BookingStatus.ApheresisShipped, held.Version, null), Hospital, CancellationToken.None));

        Assert.IsAssignableFrom<ConcurrencyConflictException>(stale);
        Assert.Equal(1, world.Store.FindsOf(SlotsCollections.Bookings) - readsBefore);
        Assert.Equal(SlotsWorld.Whole(confirmed), SlotsWorld.Whole(await world.BookingAsync(held.Id)));
    }

    [Fact]
    public async Task A_cancellation_by_the_site_or_an_admin_frees_the_place_and_the_patient_and_wakes_the_waitlist()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 2);
        var (first, second) = (await world.EnrolAsync(), await world.EnrolAsync());
        var bySite = await world.WalkAsync(await world.HoldAsync(first), BookingStatus.Confirmed, BookingStatus.ApheresisShipped, BookingStatus.ApheresisReceived);
        var byAdmin = await world.HoldAsync(second);
        await world.WereFreedAsync(); // Forget earlier wake-ups (publishing may wake the job too).

        var cancelledBySite = await world.AdvanceAsync(Site, bySite.Id, BookingStatus.Cancelled, "apheresis product out of specification");
        Assert.True(await world.WereFreedAsync());
        var cancelledByAdmin = await world.AdvanceAsync(Callers.Admin, byAdmin.Id, BookingStatus.Cancelled, "duplicate request");

        Assert.Equal((BookingStatus.Cancelled, Site.Subject), (cancelledBySite.Value.Status, cancelledBySite.Value.Custody[^1].Subject));
        Assert.Equal((BookingStatus.Cancelled, Callers.Admin.Subject, (string?)"duplicate request"),
            (cancelledByAdmin.Value.Status, cancelledByAdmin.Value.Custody[^1].Subject, cancelledByAdmin.Value.Custody[^1].Note));
        Assert.Equal(0, (await world.PlacesAsync(run)).Taken);
        Assert.Equal(new PatientClaim(first, null, null), await world.ClaimAsync(first));
        Assert.Equal(new PatientClaim(second, null, null), await world.ClaimAsync(second));
        Assert.Equal(2, (await world.RaisedAsync<BookingChanged>()).Count(e => e.Change == "cancelled"));
        await Assert.ThrowsAsync<RuleViolationException>(() => world.AdvanceAsync(Hospital, bySite.Id, BookingStatus.Confirmed));
    }
}
