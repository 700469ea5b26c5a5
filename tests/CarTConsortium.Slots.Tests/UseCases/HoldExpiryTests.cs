using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using BookingChanged = CarTConsortium.Contracts.Slots.V1.BookingChanged;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>A hold lapses at its expiry to the tick, on the clock the test moves, and frees its place.</summary>
public sealed class HoldExpiryTests
{
    [Fact]
    public async Task A_hold_lapses_exactly_at_its_expiry_frees_its_place_and_is_recorded_as_the_platforms_step()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 1);
        var patient = await world.EnrolAsync();
        var held = await world.HoldAsync(patient);
        var expiresAt = world.Clock.GetUtcNow() + TimeSpan.FromHours(48);
        Assert.Equal(expiresAt, held.Value.HoldExpiresAt);

        world.Clock.SetUtcNow(expiresAt - TimeSpan.FromTicks(1));
        Assert.Equal(0, await world.LapseDueHolds.ExecuteAsync(CancellationToken.None));
        Assert.Equal(BookingStatus.Held, (await world.BookingAsync(held.Id)).Value.Status);
        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);

        world.Clock.SetUtcNow(expiresAt);
        // Confirming at the instant of expiry is too late, even before the job has run.
        var late = await Assert.ThrowsAsync<RuleViolationException>(() => world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), held.Id, BookingStatus.Confirmed));
        Assert.Contains("the hold lapsed", late.Message, StringComparison.Ordinal);
        Assert.Equal(1, await world.LapseDueHolds.ExecuteAsync(CancellationToken.None));
        Assert.Equal(0, await world.LapseDueHolds.ExecuteAsync(CancellationToken.None));

        var expired = await world.BookingAsync(held.Id);
        Assert.Equal(BookingStatus.Expired, expired.Value.Status);
        Assert.Equal(new CustodyStep(BookingStatus.Expired, expiresAt, Booking.PlatformSubject, Booking.PlatformClientId, null, "the hold lapsed"), expired.Value.Custody[^1]);
        Assert.Equal(2, expired.Value.Custody.Count);
        Assert.Equal(0, (await world.PlacesAsync(run)).Taken);
        Assert.Null((await world.ClaimAsync(patient))!.ActiveBookingId);
        Assert.Single(await world.RaisedAsync<BookingChanged>(), e => e.Change == "expired" && e.Booking.BookingId == held.Id);
        await Assert.ThrowsAsync<RuleViolationException>(() => world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), held.Id, BookingStatus.Confirmed));

        // The place is free again: another patient gets the run.
        var other = await world.HoldForNewPatientAsync();
        Assert.Equal(run.Id, other.Value.CapacityId);
        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);
    }

    [Fact]
    public async Task Through_the_modules_wiring_the_housekeeping_job_lets_the_hold_lapse_and_offers_the_place_to_the_waitlist()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 1);
        var held = await world.HoldForNewPatientAsync();
        var waiting = await world.WaitForNewPatientAsync();
        await using var services = ModuleServices(world);
        var housekeeping = services.GetRequiredService<BookingHousekeeping>();

        world.Clock.SetUtcNow(held.Value.HoldExpiresAt!.Value - TimeSpan.FromTicks(1));
        Assert.Equal((0, 0), await housekeeping.RunOnceAsync(CancellationToken.None));

        world.Clock.SetUtcNow(held.Value.HoldExpiresAt!.Value);
        Assert.Equal((1, 1), await housekeeping.RunOnceAsync(CancellationToken.None));

        Assert.Equal(BookingStatus.Expired, (await world.BookingAsync(held.Id)).Value.Status);
        var entry = await world.EntryAsync(waiting.Id);
        Assert.Equal(WaitlistStatus.Offered, entry.Status);
        var offer = await world.BookingAsync(entry.OfferedBookingId!);
        Assert.Equal((BookingStatus.Held, run.Id, waiting.Id), (offer.Value.Status, offer.Value.CapacityId, offer.Value.WaitlistEntryId));
        Assert.Equal(world.Clock.GetUtcNow() + TimeSpan.FromHours(24), offer.Value.HoldExpiresAt);
        Assert.Equal(1, (await world.PlacesAsync(run)).Taken);
        Assert.Equal((0, 0), await housekeeping.RunOnceAsync(CancellationToken.None));
    }

    /// <summary>The module's own wiring on the world's file and clock, as the host builds it (no server is started).</summary>
    private static ServiceProvider ModuleServices(SlotsWorld world)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(FederationSettings.OneIssuer);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(world.Clock);
        builder.Services.AddSingleton(Options.Create(new EventingOptions { AppId = "slots" }));
        builder.Services.AddSqliteStorage(world.DatabasePath);
        new SlotsModule().AddServices(builder);
        return builder.Services.BuildServiceProvider();
    }
}
