using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Waitlist;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>Why a request got what it got, and who sees which bookings: each hospital its own, each site its own, an admin all.</summary>
public sealed class ExplainAndAccessTests
{
    [Fact]
    public async Task An_explanation_gives_every_run_weighed_with_its_reasons_and_says_why_another_run_was_not_weighed()
    {
        using var world = await SlotsWorld.CreateAsync();
        var full = await world.PublishAsync();
        var later = await world.PublishAsync(SlotsWorld.RunStart.AddDays(14));
        var otherProduct = await world.PublishAsync(SlotsWorld.RunStart.AddDays(7), product: SlotsWorld.OtherProduct);
        await world.HoldForNewPatientAsync();
        var outcome = await world.RequestAsync(await world.EnrolAsync());
        world.Clock.Advance(TimeSpan.FromMinutes(1));
        var newer = await world.PublishAsync(SlotsWorld.RunStart.AddDays(21));
        var coordinator = SlotsWorld.Coordinator(SlotsWorld.Hospital);

        var all = await world.ExplainAllocation.ExecuteAsync(new ExplainAllocationCommand(outcome.RequestId, null), coordinator, CancellationToken.None);
        var one = await world.ExplainAllocation.ExecuteAsync(new ExplainAllocationCommand(outcome.RequestId, full.Id), coordinator, CancellationToken.None);
        var ofOtherProduct = await world.ExplainAllocation.ExecuteAsync(new ExplainAllocationCommand(outcome.RequestId, otherProduct.Id), coordinator, CancellationToken.None);
        var publishedAfter = await world.ExplainAllocation.ExecuteAsync(new ExplainAllocationCommand(outcome.RequestId, newer.Id), coordinator, CancellationToken.None);

        Assert.Equal(outcome.Booking!.Id, all.Decision.BookingId);
        Assert.Equal(outcome.Summary, all.Decision.Summary);
        Assert.Equal([(full.Id, false), (later.Id, true)], all.Runs.Select(r => (r.CapacityId, r.Fits)));
        Assert.Contains("all 1 line(s) are booked", all.Runs[0].Reasons);
        Assert.Contains("1 of 1 line(s) free", all.Runs[1].Reasons);
        Assert.Equal(all.Runs[0].Reasons, Assert.Single(one.Runs).Reasons);
        var notWeighed = Assert.Single(ofOtherProduct.Runs);
        Assert.False(notWeighed.Fits);
        Assert.Equal([$"not weighed: it is a run of {SlotsWorld.OtherProduct}, and the request was for {SlotsWorld.Product}"], notWeighed.Reasons);
        Assert.Equal(["not weighed: it was published at 2026-03-10 09:31 UTC, after the request was decided"], Assert.Single(publishedAfter.Runs).Reasons);
    }

    [Fact]
    public async Task Only_the_requesting_hospitals_coordinators_and_admins_see_an_explanation()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync();
        var outcome = await world.RequestAsync(await world.EnrolAsync());

        foreach (var caller in new[]
        {
            SlotsWorld.Coordinator(SlotsWorld.OtherHospital), SlotsWorld.SiteAccount(), Callers.Of(Roles.Clinician, "KZ", SlotsWorld.Hospital),
            Callers.Of(Roles.HospitalCoordinator, "KG", SlotsWorld.Hospital),
        })
        {
            var denied = await Assert.ThrowsAsync<PermissionDeniedException>(() => world.ExplainAllocation.ExecuteAsync(new ExplainAllocationCommand(outcome.RequestId, null), caller, CancellationToken.None));
            Assert.Equal("Only the requesting hospital's coordinators or a consortium admin see why a request was decided.", denied.Message);
        }
        var byAdmin = await world.ExplainAllocation.ExecuteAsync(new ExplainAllocationCommand(outcome.RequestId, null), Callers.Admin, CancellationToken.None);
        Assert.Equal(outcome.RequestId, byAdmin.Decision.RequestId);
        await Assert.ThrowsAsync<NotFoundException>(() => world.ExplainAllocation.ExecuteAsync(new ExplainAllocationCommand(Guid.CreateVersion7().ToString(), null), Callers.Admin, CancellationToken.None));
    }

    [Fact]
    public async Task Each_hospital_lists_and_reads_its_own_bookings_each_site_its_sites_and_an_admin_all()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 2);
        await world.PublishAsync(lines: 2, site: SlotsWorld.OtherSite);
        var ours = await Booked(world, SlotsWorld.Hospital, SlotsWorld.Site);
        var theirs = await Booked(world, SlotsWorld.OtherHospital, SlotsWorld.OtherSite);
        var oursElsewhere = await Booked(world, SlotsWorld.Hospital, SlotsWorld.OtherSite);

        Assert.Equal(Ids(ours, oursElsewhere), await ListedAsync(world, SlotsWorld.Coordinator(SlotsWorld.Hospital)));
        Assert.Equal(Ids(theirs), await ListedAsync(world, SlotsWorld.Coordinator(SlotsWorld.OtherHospital)));
        Assert.Equal(Ids(ours), await ListedAsync(world, SlotsWorld.SiteAccount()));
        Assert.Equal(Ids(theirs, oursElsewhere), await ListedAsync(world, SlotsWorld.SiteAccount(SlotsWorld.OtherSite)));
        Assert.Equal(Ids(ours, theirs, oursElsewhere), await ListedAsync(world, Callers.Admin));
        Assert.Equal(Ids(theirs), await ListedAsync(world, Callers.Admin, hospital: SlotsWorld.OtherHospital));
        Assert.Equal(Ids(oursElsewhere), await ListedAsync(world, SlotsWorld.Coordinator(SlotsWorld.Hospital), site: SlotsWorld.OtherSite));
        Assert.Equal(Ids(ours), await ListedAsync(world, SlotsWorld.Coordinator(SlotsWorld.Hospital), hospital: SlotsWorld.Hospital, site: SlotsWorld.Site));

        var otherHospitalsFilter = await Assert.ThrowsAsync<PermissionDeniedException>(() => ListedAsync(world, SlotsWorld.Coordinator(SlotsWorld.Hospital), hospital: SlotsWorld.OtherHospital));
        var otherSitesFilter = await Assert.ThrowsAsync<PermissionDeniedException>(() => ListedAsync(world, SlotsWorld.SiteAccount(), site: SlotsWorld.OtherSite));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => ListedAsync(world, Callers.Of(Roles.HospitalCoordinator, "KG", SlotsWorld.Hospital)));
        Assert.Equal("A hospital lists its own bookings only.", otherHospitalsFilter.Message);
        Assert.Equal("A manufacturing site lists its own site's bookings only.", otherSitesFilter.Message);

        Assert.Equal(ours.Id, (await world.GetBooking.ExecuteAsync(new GetBookingCommand(ours.Id), SlotsWorld.SiteAccount(), CancellationToken.None)).Stored.Id);
        Assert.Equal(ours.Id, (await world.GetBooking.ExecuteAsync(new GetBookingCommand(ours.Id), Callers.Admin, CancellationToken.None)).Stored.Id);
        foreach (var stranger in new[]
        {
            SlotsWorld.Coordinator(SlotsWorld.OtherHospital), SlotsWorld.SiteAccount(SlotsWorld.OtherSite), Callers.Of(Roles.HospitalCoordinator, "KG", SlotsWorld.Hospital),
        })
        {
            var denied = await Assert.ThrowsAsync<PermissionDeniedException>(() => world.GetBooking.ExecuteAsync(new GetBookingCommand(ours.Id), stranger, CancellationToken.None));
            Assert.Equal(BookingAccess.WhoMayFollow, denied.Message);
        }
    }

    [Fact]
    public async Task A_hospital_withdraws_only_its_own_patients_from_the_waitlist()
    {
        using var world = await SlotsWorld.CreateAsync();
        var entry = await world.WaitForNewPatientAsync();

        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            world.WithdrawFromWaitlist.ExecuteAsync(new WithdrawFromWaitlistCommand(entry.Id, entry.Version), SlotsWorld.Coordinator(SlotsWorld.OtherHospital), CancellationToken.None));
        var byAdmin = (await world.WithdrawFromWaitlist.ExecuteAsync(new WithdrawFromWaitlistCommand(entry.Id, entry.Version), Callers.Admin, CancellationToken.None)).Stored;

        Assert.Equal("Only the treating hospital's coordinators or a consortium admin take a patient off the waitlist.", denied.Message);
        Assert.Equal((WaitlistStatus.Closed, "withdrawn by a consortium admin"), (byAdmin.Value.Status, byAdmin.Value.ClosedReason));
    }

    private static async Task<Stored<Booking>> Booked(SlotsWorld world, string hospital, string site)
    {
        var outcome = await world.RequestRun.ExecuteAsync(new RequestRunCommand(await world.EnrolAsync(hospital), SlotsWorld.Product, SlotsWorld.Indication, UrgencyClass.Standard, hospital, site, null, null, true), SlotsWorld.Coordinator(hospital), CancellationToken.None);
        return outcome.Booking ?? throw new InvalidOperationException(outcome.Summary);
    }

    private static async Task<IEnumerable<string>> ListedAsync(SlotsWorld world, Caller caller, string? hospital = null, string? site = null) =>
        (await world.ListBookings.ExecuteAsync(new ListBookingsCommand(0, null, site, hospital, null, null), caller, CancellationToken.None)).Bookings.Select(b => b.Stored.Id).Order();

    private static IEnumerable<string> Ids(params Stored<Booking>[] bookings) => bookings.Select(b => b.Id).Order();
}
