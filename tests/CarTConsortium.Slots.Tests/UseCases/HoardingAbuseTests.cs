using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Bookings;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// Issue 15, failure 1: one coordinator enrolled 40 patients and held every free place. An
/// institution now holds at most its limits (Slots:InstitutionLimits), however many requests
/// it sends at once, and a refused request keeps nothing.
/// </summary>
public sealed class HoardingAbuseTests
{
    private static void Limits(SlotsOptions options, int maxActive, int maxUnconfirmed)
    {
        options.InstitutionLimits.MaxActive = maxActive;
        options.InstitutionLimits.MaxUnconfirmed = maxUnconfirmed;
    }

    [Fact]
    public async Task Forty_simultaneous_requests_from_one_hospital_across_two_sites_hold_at_most_its_limit_and_the_rest_are_refused_naming_it()
    {
        using var world = await SlotsWorld.CreateAsync(o => Limits(o, maxActive: 8, maxUnconfirmed: 5));
        // Thirty free places at two sites: the per-site ledgers alone would let all thirty go to one hospital.
        await world.PublishAsync(lines: 10);
        await world.PublishAsync(SlotsWorld.RunStart.AddDays(7), lines: 10);
        await world.PublishAsync(lines: 10, site: SlotsWorld.OtherSite);
        var patients = await world.EnrolManyAsync(40);

        var outcomes = await AllAtOnce.RunAsync([.. patients.Select(p => (Func<Task<RequestRunResult>>)(() => world.RequestAsync(p, urgency: UrgencyClass.Emergency)))]);

        Assert.Equal(5, outcomes.Count(o => o.IsCompletedSuccessfully && o.Result.Booking is not null));
        var refused = outcomes.Where(o => !o.IsCompletedSuccessfully).Select(o => o.Exception!.InnerException).ToList();
        Assert.Equal(35, refused.Count);
        Assert.All(refused, e => Assert.Equal(
            $"Institution {SlotsWorld.Hospital} holds 5 unconfirmed hold(s); the limit for KZ institutions is 5 (Slots:InstitutionLimits). Confirm or cancel a hold first.",
            Assert.IsType<RuleViolationException>(e).Message));
        // What is stored agrees: five holds, five decisions, five claims; the refused requests left nothing, not even on the waitlist.
        Assert.Equal(5, (await world.BookingsAsync(BookingStatus.Held)).Count);
        Assert.Empty(await world.EntriesAsync());
        Assert.Equal(5, (await world.Sqlite.QueryAllAsync(SlotsCollections.AllocationDecisions, DocumentQuery.All)).Count);
        Assert.Equal(5, (await world.Sqlite.QueryAllAsync(SlotsCollections.PatientClaims, DocumentQuery.All)).Count);
        Assert.Equal(5, (await world.Sqlite.QueryAllAsync(SlotsCollections.LotteryDraws, DocumentQuery.All)).Count);
        // Another hospital is not held back by the first one's limit.
        Assert.NotNull((await world.HoldForNewPatientAsync(SlotsWorld.OtherHospital)).Value);
    }

    [Fact]
    public async Task Confirmed_places_count_towards_the_active_limit_and_a_place_given_back_makes_room()
    {
        using var world = await SlotsWorld.CreateAsync(o => Limits(o, maxActive: 3, maxUnconfirmed: 2));
        await world.PublishAsync(lines: 10);
        var held = new List<Stored<Booking>>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed));
        }

        var patient = await world.EnrolAsync();
        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.RequestAsync(patient));

        Assert.StartsWith($"Institution {SlotsWorld.Hospital} holds 3 active booking(s); the limit for KZ institutions is 3", refused.Message, StringComparison.Ordinal);
        Assert.Null(await world.ClaimAsync(patient));
        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.Hospital), held[0].Id, BookingStatus.Cancelled);
        Assert.NotNull((await world.HoldAsync(patient)).Value);
    }

    [Fact]
    public async Task A_country_has_its_own_limits_and_the_others_keep_the_default()
    {
        using var world = await SlotsWorld.CreateAsync(o =>
        {
            Limits(o, maxActive: 10, maxUnconfirmed: 2);
            o.InstitutionLimits.Countries["KG"] = new CountryHoldLimits { MaxUnconfirmed = 1 };
        });
        await world.PublishAsync(lines: 10);

        await world.HoldForNewPatientAsync(SlotsWorld.KgHospital);
        var kg = await world.EnrolAsync(SlotsWorld.KgHospital, crossBorder: true);
        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.RequestAsync(kg, SlotsWorld.KgHospital));
        await world.HoldForNewPatientAsync();
        await world.HoldForNewPatientAsync();

        Assert.StartsWith($"Institution {SlotsWorld.KgHospital} holds 1 unconfirmed hold(s); the limit for KG institutions is 1", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await world.BookingsAsync(BookingStatus.Held)).Count);
    }

    [Fact]
    public async Task A_waitlist_entry_of_an_institution_at_its_limit_is_passed_over_keeps_its_place_and_is_offered_once_under_it()
    {
        using var world = await SlotsWorld.CreateAsync(o => Limits(o, maxActive: 10, maxUnconfirmed: 1));
        await world.PublishAsync(lines: 1);
        await world.PublishAsync(SlotsWorld.RunStart.AddDays(3), lines: 1, site: SlotsWorld.OtherSite);
        // The hospital holds its one unconfirmed hold; the other hospital holds the other run.
        var own = await world.HoldForNewPatientAsync();
        var other = await world.HoldForNewPatientAsync(SlotsWorld.OtherHospital);
        var ahead = await world.WaitAsync(await world.EnrolAsync(), urgency: UrgencyClass.Emergency);
        var behind = await world.WaitAsync(await world.EnrolAsync(SlotsWorld.OtherHospital), SlotsWorld.OtherHospital);

        await world.AdvanceAsync(SlotsWorld.Coordinator(SlotsWorld.OtherHospital), other.Id, BookingStatus.Cancelled);
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));

        Assert.Equal(WaitlistStatus.Waiting, (await world.EntryAsync(ahead.Id)).Status);
        Assert.Equal(WaitlistStatus.Offered, (await world.EntryAsync(behind.Id)).Status);
        // Under the limit again (its hold confirmed), the entry ahead is offered the next freed place.
        await world.WalkAsync(own, BookingStatus.Confirmed);
        await world.PublishAsync(SlotsWorld.RunStart.AddDays(5), lines: 1);
        Assert.Equal(1, await world.OfferFreedPlaces.ExecuteAsync(CancellationToken.None));
        Assert.Equal(WaitlistStatus.Offered, (await world.EntryAsync(ahead.Id)).Status);
    }

    [Theory]
    [InlineData(0, 1, "Slots:InstitutionLimits:MaxActive = '0': must be 1 to 1000")]
    [InlineData(3, 4, "Slots:InstitutionLimits:MaxUnconfirmed = '4': must be 1 to MaxActive (3)")]
    public void Limits_that_make_no_sense_are_refused_at_start(int maxActive, int maxUnconfirmed, string problem)
    {
        var options = new InstitutionLimitsOptions { MaxActive = maxActive, MaxUnconfirmed = maxUnconfirmed };

        Assert.Contains(problem, options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage));
    }

    [Fact]
    public void A_country_limit_is_checked_against_its_code_and_the_default_it_falls_back_to()
    {
        var options = new InstitutionLimitsOptions { MaxActive = 4, MaxUnconfirmed = 2 };
        options.Countries["kz1"] = new CountryHoldLimits { MaxActive = 1 };

        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage).ToList();

        Assert.Contains("Slots:InstitutionLimits:Countries:kz1 = 'kz1': must be an ISO 3166-1 alpha-2 code in upper case", problems);
        Assert.Contains("Slots:InstitutionLimits:Countries:kz1:MaxUnconfirmed = '2': must be 1 to MaxActive (1)", problems);
        Assert.Equal(new Slots.Domain.Institutions.HoldLimits(1, 2), options.For("KZ1"));
        Assert.Equal(new Slots.Domain.Institutions.HoldLimits(4, 2), options.For("UZ"));
    }
}
