using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Waitlist;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>One active booking, or one open waitlist entry, per patient: asked again in turn and at the same instant.</summary>
public sealed class PatientClaimTests
{
    [Fact]
    public async Task A_second_request_for_a_patient_who_holds_a_booking_is_refused_naming_the_booking_and_changes_nothing()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 3);
        var patient = await world.EnrolAsync();
        var held = await world.HoldAsync(patient);

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.RequestAsync(patient));

        Assert.Equal($"The patient already holds booking {held.Id}; one active booking per patient.", refused.Message);
        Assert.Single(await world.BookingsAsync());
        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);
        Assert.Equal(new PatientClaim(patient, held.Id, null), await world.ClaimAsync(patient));
    }

    [Fact]
    public async Task Of_two_simultaneous_requests_for_one_patient_exactly_one_succeeds_though_the_run_has_room_for_both()
    {
        const int Pairs = 10;
        // Ten holds for one hospital: more than the default limit, which is HoardingAbuseTests' to check.
        using var world = await SlotsWorld.CreateAsync(o => (o.InstitutionLimits.MaxActive, o.InstitutionLimits.MaxUnconfirmed) = (Pairs, Pairs));
        var run = await world.PublishAsync(lines: 2 * Pairs);
        var patients = await world.EnrolManyAsync(Pairs);

        var calls = await AllAtOnce.RunAsync([.. patients.SelectMany(p => new Func<Task<RequestRunResult>>[] { () => world.RequestAsync(p), () => world.RequestAsync(p) })]);

        foreach (var pair in calls.Chunk(2))
        {
            var won = Assert.Single(pair, c => c.IsCompletedSuccessfully);
            var lost = Assert.Single(pair, c => c.IsFaulted);
            var refusal = Assert.IsType<RuleViolationException>(lost.Exception!.InnerException);
            Assert.Equal($"The patient already holds booking {(await won).Booking!.Id}; one active booking per patient.", refusal.Message);
        }
        var bookings = await world.BookingsAsync();
        Assert.Equal(Pairs, bookings.Count);
        Assert.Equal(patients.Order(), bookings.Select(b => b.Value.Pseudonym).Order());
        Assert.Equal(Pairs, (await world.PlacesAsync(run)).Taken);
    }

    [Fact]
    public async Task Once_the_booking_is_cancelled_the_patient_may_book_again()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 1);
        var patient = await world.EnrolAsync();
        var first = await world.HoldAsync(patient);
        await world.WalkAsync(first, BookingStatus.Confirmed);

        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), first.Id, BookingStatus.Cancelled, "family moved to another city");
        var again = await world.HoldAsync(patient);

        Assert.Equal(run.Id, again.Value.CapacityId);
        Assert.NotEqual(first.Id, again.Id);
        Assert.Equal(new PatientClaim(patient, again.Id, null), await world.ClaimAsync(patient));
        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);
    }

    [Fact]
    public async Task A_patient_on_the_waitlist_asks_again_only_after_withdrawing()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        await world.HoldForNewPatientAsync();
        var patient = await world.EnrolAsync();
        var entry = await world.WaitAsync(patient);

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.RequestAsync(patient, urgency: UrgencyClass.Emergency));
        Assert.Equal($"The patient is on the waitlist already (entry {entry.Id}); withdraw it to ask again.", refused.Message);
        Assert.Single(await world.EntriesAsync());

        var withdrawn = (await world.WithdrawFromWaitlist.ExecuteAsync(new WithdrawFromWaitlistCommand(entry.Id, entry.Version), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None)).Stored;
        var again = await world.WaitAsync(patient, urgency: UrgencyClass.Emergency);

        Assert.Equal((WaitlistStatus.Closed, "withdrawn by the hospital"), (withdrawn.Value.Status, withdrawn.Value.ClosedReason));
        Assert.Equal(UrgencyClass.Emergency, again.Value.Urgency);
        Assert.Equal(new PatientClaim(patient, null, again.Id), await world.ClaimAsync(patient));
        Assert.Equal([again.Id], (await world.EntriesAsync(WaitlistStatus.Waiting)).Select(e => e.Id));
    }
}
