using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Waitlist;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// Issue 15, failure 1: self-declared EMERGENCY put 27 invented patients ahead of a real urgent
/// one. An emergency now needs a justification, kept with the booking or entry for the site and
/// admins (never other hospitals), and each institution's use of it is reported and counted.
/// </summary>
public sealed class EmergencyAbuseTests
{
    private static Task<RequestRunResult> RequestAsync(SlotsWorld world, string patient, UrgencyClass urgency, string? justification) =>
        world.RequestRun.ExecuteAsync(new RequestRunCommand(patient, SlotsWorld.Product, SlotsWorld.Indication, urgency, SlotsWorld.Hospital,
            EmergencyJustification: justification), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("urgent!")]
    public async Task An_emergency_without_a_justification_is_invalid_argument_on_the_field_and_changes_nothing(string? justification)
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 2);
        var patient = await world.EnrolAsync();

        var refused = await Assert.ThrowsAsync<InvalidArgumentException>(() => RequestAsync(world, patient, UrgencyClass.Emergency, justification));

        Assert.Equal(Emergencies.Field, Assert.Single(refused.Violations).Field);
        Assert.Empty(await world.BookingsAsync());
        Assert.Null(await world.ClaimAsync(patient));
        Assert.Empty(await world.Sqlite.QueryAllAsync(SlotsCollections.LotteryDraws, DocumentQuery.All));
        Assert.Empty(await world.Sqlite.QueryAllAsync(SlotsCollections.LotterySeeds, DocumentQuery.All));
    }

    [Fact]
    public async Task A_justification_is_only_for_an_emergency_and_is_bounded()
    {
        using var world = await SlotsWorld.CreateAsync();
        var patient = await world.EnrolAsync();

        var notEmergency = await Assert.ThrowsAsync<InvalidArgumentException>(() => RequestAsync(world, patient, UrgencyClass.Urgent, "Because we say so, really."));
        var tooLong = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            RequestAsync(world, patient, UrgencyClass.Emergency, new string('x', Emergencies.MaxJustificationLength + 1)));

        Assert.Equal(Emergencies.Field, Assert.Single(notEmergency.Violations).Field);
        Assert.Equal(Emergencies.Field, Assert.Single(tooLong.Violations).Field);
    }

    [Fact]
    public async Task The_justification_is_kept_with_the_booking_and_read_by_the_hospital_the_site_and_admins_only()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 2);
        var booking = await world.HoldAsync(await world.EnrolAsync(), urgency: UrgencyClass.Emergency);

        Assert.Equal(SlotsWorld.EmergencyJustification, booking.Value.EmergencyJustification);
        foreach (var reader in new[] { SlotsWorld.Coordinator(SlotsWorld.Hospital), SlotsWorld.SiteAccount(), Callers.Admin })
        {
            var read = await world.GetBooking.ExecuteAsync(new GetBookingCommand(booking.Id), reader, CancellationToken.None);
            Assert.Equal(SlotsWorld.EmergencyJustification, read.Stored.Value.EmergencyJustification);
        }
        foreach (var stranger in new[] { SlotsWorld.Coordinator(SlotsWorld.OtherHospital), SlotsWorld.Coordinator(SlotsWorld.KgHospital), SlotsWorld.SiteAccount(SlotsWorld.OtherSite) })
        {
            await Assert.ThrowsAsync<PermissionDeniedException>(() => world.GetBooking.ExecuteAsync(new GetBookingCommand(booking.Id), stranger, CancellationToken.None));
        }
    }

    [Fact]
    public async Task On_the_waitlist_other_hospitals_see_the_emergency_but_never_its_justification()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        await world.HoldForNewPatientAsync(SlotsWorld.OtherHospital);
        var entry = await world.WaitForNewPatientAsync(UrgencyClass.Emergency);
        Assert.Equal(SlotsWorld.EmergencyJustification, entry.Value.EmergencyJustification);

        async Task<bool> SeesAsync(Caller caller) =>
            Assert.Single((await world.ListWaitlist.ExecuteAsync(new ListWaitlistCommand(SlotsWorld.Product), caller, CancellationToken.None)).Entries).ShowsJustification;

        Assert.True(await SeesAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital)));
        Assert.True(await SeesAsync(Callers.Admin));
        // A waiting entry is no site's yet: a site reads why on the booking, once a place there is held or offered.
        Assert.False(await SeesAsync(SlotsWorld.SiteAccount()));
        Assert.False(await SeesAsync(SlotsWorld.Coordinator(SlotsWorld.OtherHospital)));
        Assert.False(await SeesAsync(SlotsWorld.Coordinator(SlotsWorld.KgHospital)));
        Assert.False(WaitlistEntryView.For(SlotsWorld.Coordinator(SlotsWorld.OtherHospital), entry).ShowsJustification);
    }

    [Fact]
    public async Task The_urgency_report_counts_each_institutions_emergencies_for_admins_and_a_sites_own_bookings_for_the_site()
    {
        using var world = await SlotsWorld.CreateAsync();
        // The other site's run starts later: requests for any site are held at the first site.
        await world.PublishAsync(lines: 10);
        await world.PublishAsync(SlotsWorld.RunStart.AddDays(7), lines: 10, site: SlotsWorld.OtherSite);
        await world.HoldAsync(await world.EnrolAsync(), urgency: UrgencyClass.Emergency);
        await world.HoldAsync(await world.EnrolAsync(), urgency: UrgencyClass.Emergency);
        await world.RequestAsync(await world.EnrolAsync(), urgency: UrgencyClass.Urgent, site: SlotsWorld.OtherSite);
        await world.HoldAsync(await world.EnrolAsync(SlotsWorld.OtherHospital), SlotsWorld.OtherHospital);

        var all = await world.GetUrgencyReport.ExecuteAsync(new GetUrgencyReportCommand(null, null), Callers.Admin, CancellationToken.None);
        var atOtherSite = await world.GetUrgencyReport.ExecuteAsync(new GetUrgencyReportCommand(null, null), SlotsWorld.SiteAccount(SlotsWorld.OtherSite), CancellationToken.None);

        Assert.Equal((new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 10)), (all.From, all.To));
        Assert.Equal(
            [new(SlotsWorld.Hospital, "KZ", 2, 1, 0, 2), new Slots.Domain.Allocation.UrgencyUse(SlotsWorld.OtherHospital, "KZ", 0, 0, 1, 0)],
            all.Institutions);
        Assert.Equal(SlotsWorld.OtherSite, atOtherSite.SiteId);
        Assert.Equal([new Slots.Domain.Allocation.UrgencyUse(SlotsWorld.Hospital, "KZ", 0, 1, 0, 0)], atOtherSite.Institutions);
        // An account of a site slots does not know has no bookings to count.
        var unknownSite = await world.GetUrgencyReport.ExecuteAsync(new GetUrgencyReportCommand(null, null), Callers.Of(Roles.ManufacturingSite, "KZ", "kz-unknown-lab"),
            CancellationToken.None);
        Assert.Empty(unknownSite.Institutions);
        var lastYear = await world.GetUrgencyReport.ExecuteAsync(new GetUrgencyReportCommand(new DateParts(2025, 1, 1), new DateParts(2025, 12, 31)), Callers.Admin,
            CancellationToken.None);
        Assert.Empty(lastYear.Institutions);
    }

    [Fact]
    public async Task Hospitals_and_a_site_account_from_another_country_may_not_read_the_urgency_report()
    {
        using var world = await SlotsWorld.CreateAsync();
        var command = new GetUrgencyReportCommand(null, null);

        await Assert.ThrowsAsync<PermissionDeniedException>(() => world.GetUrgencyReport.ExecuteAsync(command, SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => world.GetUrgencyReport.ExecuteAsync(command, Callers.Of(Roles.Clinician, "KZ", SlotsWorld.Hospital), CancellationToken.None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            world.GetUrgencyReport.ExecuteAsync(command, Callers.Of(Roles.ManufacturingSite, "UZ", SlotsWorld.Site), CancellationToken.None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            world.GetUrgencyReport.ExecuteAsync(command, Callers.Of(Roles.ManufacturingSite, "KZ", SlotsWorld.Hospital), CancellationToken.None));
        var span = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            world.GetUrgencyReport.ExecuteAsync(new GetUrgencyReportCommand(new DateParts(2025, 1, 1), new DateParts(2026, 3, 1)), Callers.Admin, CancellationToken.None));
        Assert.Equal("to", Assert.Single(span.Violations).Field);
    }

    [Fact]
    public async Task Every_request_is_counted_by_urgency_and_institution_in_the_slots_meter()
    {
        using var world = await SlotsWorld.CreateAsync();
        // The meter is static: tests running beside this one report through it too, from their own threads.
        var counted = new ConcurrentBag<(long Value, string? Urgency, string? Institution)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SlotsTelemetry.MeterName && instrument.Name == "slots.run_requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray();
            counted.Add((value, all.Single(t => t.Key == "urgency").Value as string, all.Single(t => t.Key == "institution").Value as string));
        });
        listener.Start();

        await world.RequestAsync(await world.EnrolAsync(), urgency: UrgencyClass.Emergency);
        await world.RequestAsync(await world.EnrolAsync(SlotsWorld.OtherHospital), SlotsWorld.OtherHospital);

        Assert.Contains((1L, "emergency", SlotsWorld.Hospital), counted);
        Assert.Contains((1L, "standard", SlotsWorld.OtherHospital), counted);
    }
}
