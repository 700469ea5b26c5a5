using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Bookings;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// Two instances of the module on one file, as two replicas or processes on one database: each has
/// its own ledger gates, so between them the store's version checks alone keep the places right.
/// </summary>
public sealed class TwoInstancesTests
{
    [Fact]
    public async Task Requests_through_two_instances_at_once_never_overbook_a_run()
    {
        const int lines = 5, patients = 160;
        using var world = await SlotsWorld.CreateAsync();
        var (services, _, placesFreed) = world.AnotherInstance();
        using var disposedServices = services;
        using var disposedSignal = placesFreed;
        var other = services.GetRequiredService<RequestRun>();
        var run = await world.PublishAsync(lines: lines);
        var pseudonyms = await world.EnrolManyAsync(patients);

        // Every other patient's request goes through the second instance.
        var calls = await AllAtOnce.RunAsync([.. pseudonyms.Select((p, i) => (Func<Task<RequestRunResult>>)(() => i % 2 == 0
            ? world.RequestAsync(p)
            : other.ExecuteAsync(new RequestRunCommand(p, SlotsWorld.Product, SlotsWorld.Indication, UrgencyClass.Standard, SlotsWorld.Hospital),
                SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None)))]);
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal(lines, outcomes.Count(o => o.Booking is not null));
        Assert.Equal(patients - lines, outcomes.Count(o => o.Entry is not null));
        Assert.Equal(lines, (await world.BookingsAsync(BookingStatus.Held)).Count);
        Assert.Equal((lines, 0), ((await world.PlacesAsync(run)).Taken, (await world.PlacesAsync(run)).Free));
        Assert.Equal(patients - lines, (await world.EntriesAsync(WaitlistStatus.Waiting)).Count);
    }

    [Fact]
    public async Task A_hold_committed_by_the_other_instance_between_a_decision_and_its_commit_is_caught_by_the_ledgers_version_and_decided_again()
    {
        using var world = await SlotsWorld.CreateAsync();
        var (services, _, placesFreed) = world.AnotherInstance();
        using var disposedServices = services;
        using var disposedSignal = placesFreed;
        var run = await world.PublishAsync(lines: 2);
        // The first hold stores the period's lottery seed: the race below is about the ledger alone.
        await world.HoldForNewPatientAsync();
        var here = await world.EnrolAsync();
        var there = await world.EnrolAsync();
        Task<RequestRunResult>? otherRequest = null;
        // This instance has weighed the run (one place free) and reads the institution's hold guard last, just before its commit:
        // the other instance, whose gate this one's does not hold, takes the last place then.
        world.Store.BeforeNextFind(SlotsCollections.InstitutionHoldGuards, SlotsWorld.Hospital, () => otherRequest = services.GetRequiredService<RequestRun>()
            .ExecuteAsync(new RequestRunCommand(there, SlotsWorld.Product, SlotsWorld.Indication, UrgencyClass.Standard, SlotsWorld.Hospital),
                SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None));
        using var retries = CountedHere.ConflictRetries();

        var outcome = await world.RequestAsync(here);

        Assert.NotNull(otherRequest);
        Assert.NotNull((await otherRequest).Booking);
        Assert.Null(outcome.Booking);
        Assert.NotNull(outcome.Entry);
        Assert.Contains("all 2 line(s) are booked", Assert.Single(outcome.Decisions, d => d.CapacityId == run.Id).Reasons);
        Assert.Equal((2, 0), ((await world.PlacesAsync(run)).Taken, (await world.PlacesAsync(run)).Free));
        Assert.Equal(1, retries.Of(nameof(RequestRun)));
    }
}
