using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Waitlist;
using Xunit;
using BookingChanged = CarTConsortium.Contracts.Slots.V1.BookingChanged;
using Status = CarTConsortium.Contracts.Approvals.V1.AuthorisationStatus;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// The authorisation rule as slots applies it from its read model of approvals' events: at the
/// boundaries of age and term, again at confirmation, and the reactions when an authorisation
/// stops or starts allowing use.
/// </summary>
public sealed class AuthorisationTests
{
    [Fact]
    public async Task The_age_range_counts_on_the_runs_first_day_from_the_birth_month()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 4);
        var authorisation = SlotsWorld.AuthorisationIdIn("KZ");

        // Born April 2000: 26 on 2026-04-06. Born May 2000: still 25. Born April 2025: 1. Born May 2025: not 1 yet.
        var turned26 = await world.RequestAsync(await world.EnrolAsync(birthYear: 2000, birthMonth: 4), noWaitlist: true);
        var still25 = await world.RequestAsync(await world.EnrolAsync(birthYear: 2000, birthMonth: 5), noWaitlist: true);
        var turned1 = await world.RequestAsync(await world.EnrolAsync(birthYear: 2025, birthMonth: 4), noWaitlist: true);
        var notYet1 = await world.RequestAsync(await world.EnrolAsync(birthYear: 2025, birthMonth: 5), noWaitlist: true);

        Assert.Equal([$"{authorisation} does not allow it: It covers patients up to 25 years of age; the patient is 26."], Assert.Single(turned26.Decisions).Reasons);
        Assert.Equal([$"{authorisation} does not allow it: It covers patients from 1 years of age; the patient is 0."], Assert.Single(notYet1.Decisions).Reasons);
        Assert.Contains($"{SlotsWorld.Product} is authorised in KZ by {authorisation} for this patient (25 years) on 2026-04-06", Assert.Single(still25.Decisions).Reasons);
        Assert.Contains($"{SlotsWorld.Product} is authorised in KZ by {authorisation} for this patient (1 years) on 2026-04-06", Assert.Single(turned1.Decisions).Reasons);
        Assert.Equal(new[] { still25.Booking!.Id, turned1.Booking!.Id }.Order(), (await world.BookingsAsync()).Select(b => b.Id).Order());
        Assert.Equal(2, (await world.PlacesAsync(run)).Taken);
    }

    [Fact]
    public async Task An_authorisation_that_ends_the_day_before_the_run_does_not_carry_it_and_one_that_ends_on_its_first_day_does()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 2);
        var patient = await world.EnrolAsync();

        await world.ProjectAuthorisationAsync("KZ", Status.Approved, 2, a => a.ExpiresOn = new Google.Type.Date { Year = 2026, Month = 4, Day = 5 });
        var refused = await world.RequestAsync(patient, noWaitlist: true);
        await world.ProjectAuthorisationAsync("KZ", Status.Approved, 3, a => a.ExpiresOn = new Google.Type.Date { Year = 2026, Month = 4, Day = 6 });
        var held = await world.RequestAsync(patient, noWaitlist: true);

        Assert.Equal([$"{SlotsWorld.AuthorisationIdIn("KZ")} does not allow it: It held until 2026-04-05, before 2026-04-06."], Assert.Single(refused.Decisions).Reasons);
        Assert.NotNull(held.Booking);
    }

    [Fact]
    public async Task A_suspension_flags_the_held_booking_and_blocks_its_confirmation_until_reinstated_and_leaves_manufactured_and_other_countries_bookings_alone()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 3);
        var held = await world.HoldForNewPatientAsync();
        var manufactured = await world.WalkAsync(await world.HoldForNewPatientAsync(),
            BookingStatus.Confirmed, BookingStatus.ApheresisShipped, BookingStatus.ApheresisReceived, BookingStatus.InManufacturing);
        var kyrgyz = await world.HoldForNewPatientAsync(SlotsWorld.KgHospital);
        world.Clock.Advance(TimeSpan.FromHours(3));

        await world.ProjectAuthorisationAsync("KZ", Status.Suspended, 2, a => a.SuspendedFrom = Status.Approved);

        var flag = Assert.Single((await world.BookingAsync(held.Id)).Value.RaisedFlags);
        Assert.Equal((AuthorisationProjection.FlagKind, world.Clock.GetUtcNow()), (flag.Kind, flag.RaisedAt));
        Assert.Contains($"Authorisation {SlotsWorld.AuthorisationIdIn("KZ")} of {SlotsWorld.Product} in KZ is suspended", flag.Detail, StringComparison.Ordinal);
        Assert.Empty((await world.BookingAsync(manufactured.Id)).Value.RaisedFlags);
        Assert.Empty((await world.BookingAsync(kyrgyz.Id)).Value.RaisedFlags);
        var flagged = Assert.Single(await world.RaisedAsync<BookingChanged>(), e => e.Change == "flagged");
        Assert.Equal((held.Id, AuthorisationProjection.FlagKind), (flagged.Booking.BookingId, Assert.Single(flagged.Booking.Flags).Kind));

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), held.Id, BookingStatus.Confirmed));
        Assert.StartsWith($"Booking {held.Id} cannot be confirmed: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("It is suspended.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(BookingStatus.Held, (await world.BookingAsync(held.Id)).Value.Status);

        await world.ProjectAuthorisationAsync("KZ", Status.Approved, 3);
        var confirmed = await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), held.Id, BookingStatus.Confirmed);

        Assert.Equal(BookingStatus.Confirmed, confirmed.Value.Status);
    }

    [Fact]
    public async Task A_suspension_flags_nothing_while_another_authorisation_of_the_product_in_the_country_allows_use()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        var held = await world.HoldForNewPatientAsync();
        await world.ProjectAuthorisationAsync("KZ", Status.ConditionallyApproved, 1, a =>
        {
            a.AuthorisationId = $"{SlotsWorld.Product}.KZ.Conditional";
            a.Pathway = Contracts.Approvals.V1.Pathway.Conditional;
        });

        await world.ProjectAuthorisationAsync("KZ", Status.Suspended, 2, a => a.SuspendedFrom = Status.Approved);

        Assert.Empty((await world.BookingAsync(held.Id)).Value.RaisedFlags);
        Assert.DoesNotContain(await world.RaisedAsync<BookingChanged>(), e => e.Change == "flagged");
        var confirmed = await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), held.Id, BookingStatus.Confirmed);
        Assert.Equal(BookingStatus.Confirmed, confirmed.Value.Status);
    }

    // BUG (reported to the lead): AuthorisationProjection.FlagBookingsAsync (Catalogue/KnownAuthorisation.cs) skips
    // flagging whenever any other authorisation of the product in the country allows use, whatever its scope. Two
    // hospital exemptions, one per institution: suspending the one for this hospital leaves its held booking with no
    // authorisation at all (confirmation is refused), yet the booking is not flagged and the hospital is not told.
    // The "another authorisation still carries it" test should be made per booking, with UsageRules against the
    // booking's own institution, indication, age and run start (as the confirmation's recheck does).
    [Fact]
    public async Task Suspending_one_hospitals_exemption_flags_its_bookings_though_another_hospital_keeps_its_own()
    {
        using var world = await SlotsWorld.CreateAsync(authorisedIn: []);
        foreach (var hospital in new[] { SlotsWorld.Hospital, SlotsWorld.OtherHospital })
        {
            await world.ProjectAuthorisationAsync("KZ", Status.Approved, 1, a => HospitalExemptionAt(a, hospital));
        }
        await world.PublishAsync(lines: 2);
        var held = await world.HoldForNewPatientAsync();

        await world.ProjectAuthorisationAsync("KZ", Status.Suspended, 2, a =>
        {
            HospitalExemptionAt(a, SlotsWorld.Hospital);
            a.SuspendedFrom = Status.Approved;
        });

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), held.Id, BookingStatus.Confirmed));
        Assert.StartsWith($"Booking {held.Id} cannot be confirmed: ", refused.Message, StringComparison.Ordinal);
        Assert.Equal(AuthorisationProjection.FlagKind, Assert.Single((await world.BookingAsync(held.Id)).Value.RaisedFlags).Kind);
    }

    private static void HospitalExemptionAt(Contracts.Approvals.V1.Authorisation authorisation, string hospital)
    {
        authorisation.AuthorisationId = $"{SlotsWorld.Product}.KZ.HospitalExemption.{hospital}";
        authorisation.Pathway = Contracts.Approvals.V1.Pathway.HospitalExemption;
        authorisation.Scope.InstitutionIds.Add(hospital);
    }

    [Fact]
    public async Task A_product_approved_after_the_request_is_offered_to_the_waiting_patient_without_a_restart()
    {
        using var world = await SlotsWorld.WithoutAuthorisationAsync();
        var run = await world.PublishAsync(lines: 1);
        var patient = await world.EnrolAsync();
        var outcome = await world.RequestAsync(patient);
        Assert.Equal([$"no authorisation of {SlotsWorld.Product} in KZ is known"], Assert.Single(outcome.Decisions).Reasons);
        var entry = outcome.Entry!;
        Assert.Equal(0, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        await world.WereFreedAsync(); // Forget earlier wake-ups (publishing may wake the job too).

        world.Clock.Advance(TimeSpan.FromDays(2));
        await world.ProjectAuthorisationAsync("KZ", Status.Approved, 1);

        // The projection wakes the housekeeping job at once rather than at its next interval.
        Assert.True(await world.WereFreedAsync());
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        var offered = await world.EntryAsync(entry.Id);
        Assert.Equal(WaitlistStatus.Offered, offered.Status);
        var offer = await world.BookingAsync(offered.OfferedBookingId!);
        Assert.Equal((BookingStatus.Held, run.Id, (string?)entry.Id, patient), (offer.Value.Status, offer.Value.CapacityId, offer.Value.WaitlistEntryId, offer.Value.Pseudonym));
        Assert.Equal(world.Clock.GetUtcNow() + TimeSpan.FromHours(24), offer.Value.HoldExpiresAt);
        Assert.Equal((OfferFreedPlaces.Platform.Subject, (string?)$"offered from waitlist entry {entry.Id}"), (offer.Value.Custody[0].Subject, offer.Value.Custody[0].Note));
        var explained = await world.ExplainAllocation.ExecuteAsync(new ExplainAllocationCommand(outcome.RequestId, null), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);
        Assert.Equal(offer.Id, explained.Decision.BookingId);
        Assert.Contains("Offered from the waitlist (position 1)", explained.Decision.Summary, StringComparison.Ordinal);
        Assert.True(Assert.Single(explained.Runs).Fits);

        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), offer.Id, BookingStatus.Confirmed);

        Assert.Equal(WaitlistStatus.Accepted, (await world.EntryAsync(entry.Id)).Status);
        Assert.Equal(new PatientClaim(patient, offer.Id, null), await world.ClaimAsync(patient));
        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);
    }
}
