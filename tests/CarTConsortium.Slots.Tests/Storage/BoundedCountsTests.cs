using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Institutions;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.Tests.UseCases;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Slots.Tests.Storage;

/// <summary>
/// The request paths that counted whole sets now count no further than they must (an institution's holds) or a page at
/// a time (the urgency report); on random data they decide and report exactly what a count of everything did.
/// </summary>
public sealed class BoundedCountsTests
{
    private static readonly string[] Institutions = [SlotsWorld.Hospital, SlotsWorld.OtherHospital, SlotsWorld.KgHospital];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task One_more_hold_is_refused_exactly_when_a_count_of_every_booking_refused_it(int seed)
    {
        var random = new Random(seed);
        using var world = await SlotsWorld.CreateAsync(o =>
        {
            o.InstitutionLimits.MaxActive = 4;
            o.InstitutionLimits.MaxUnconfirmed = 2;
        });
        var holds = world.Services.GetRequiredService<InstitutionHolds>();
        var limits = new HoldLimits(4, 2);
        var refusals = 0;
        for (var round = 0; round < 25; round++)
        {
            var hospital = Institutions[random.Next(Institutions.Length)];
            var changes = new ChangeSet();
            // Over the rounds, each institution gathers bookings in every status, up to a few past the limit (a limit lowered since).
            foreach (var booking in Enumerable.Range(0, random.Next(0, 3)).Select(_ => RandomBooking(random, world.Clock.GetUtcNow(), hospital)))
            {
                changes.Insert(SlotsCollections.Bookings, booking.BookingId, booking);
            }
            await world.Sqlite.CommitAsync(changes);

            var every = await world.Sqlite.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.TreatingInstitution, hospital));
            var counts = new HoldCounts(every.Count(b => Booking.HoldsPlace(b.Value.Status)), every.Count(b => b.Value.Status == BookingStatus.Held));
            var expected = limits.RefusalOfOneMore(hospital, SlotsWorld.CountryOf(hospital), counts);
            var standing = await holds.ReadAsync(hospital, SlotsWorld.CountryOf(hospital), CancellationToken.None);
            Assert.Equal(expected is null, standing.RefusalOfOneMore is null);
            if (counts.Active <= limits.MaxActive)
            {
                // Within the limit the counts (and so the refusal's words) are the same; past it they stop at the limit.
                Assert.Equal(counts, standing.Counts);
            }
            else
            {
                Assert.Equal(limits.MaxActive, standing.Counts.Active);
            }
            refusals += expected is null ? 0 : 1;
        }
        Assert.InRange(refusals, 3, 24);
    }

    /// <summary>Bookings as a release before the hold-limit keys declared them: stored without holding_institution and held_institution.</summary>
    private static readonly Collection<Booking> OldBookings = new("bookings",
        (IndexKeys.TreatingInstitution, b => b.TreatingInstitutionId), (IndexKeys.Status, b => b.Status.ToString()));

    [Fact]
    public async Task Bookings_stored_before_the_hold_keys_count_once_the_store_has_started_again()
    {
        var random = new Random(7);
        using var world = await SlotsWorld.CreateAsync(o => o.InstitutionLimits.MaxActive = 1000);
        var bookings = Enumerable.Range(0, 80).Select(_ => RandomBooking(random, world.Clock.GetUtcNow(), Institutions[random.Next(Institutions.Length)])).ToList();
        var changes = new ChangeSet();
        foreach (var booking in bookings)
        {
            changes.Insert(OldBookings, booking.BookingId, booking);
        }
        await world.Sqlite.CommitAsync(changes);

        // What a host does at start: the declared collections' new keys are back-filled.
        await using var restarted = new SqliteDocumentStore(world.DatabasePath, new OutboxSignal());
        await restarted.PrepareCollectionsAsync(DocumentCollectionsRegistration.DeclaredIn(typeof(SlotsCollections)), CancellationToken.None);
        var holds = new InstitutionHolds(restarted, Microsoft.Extensions.Options.Options.Create(world.Options));
        foreach (var hospital in Institutions)
        {
            var own = bookings.Where(b => b.TreatingInstitutionId == hospital).ToList();
            var expected = new HoldCounts(own.Count(b => Booking.HoldsPlace(b.Status)), own.Count(b => b.Status == BookingStatus.Held));
            Assert.Equal(expected, (await holds.ReadAsync(hospital, SlotsWorld.CountryOf(hospital), CancellationToken.None)).Counts);
        }
        // Every institution holds some and has some that hold nothing: the counts told them apart.
        Assert.All(Institutions, hospital => Assert.Contains(bookings, b => b.TreatingInstitutionId == hospital && Booking.HoldsPlace(b.Status)));
        Assert.Contains(bookings, b => !Booking.HoldsPlace(b.Status));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task The_urgency_report_gives_the_figures_a_read_of_every_request_of_the_span_gave(int seed)
    {
        var random = new Random(seed);
        using var world = await SlotsWorld.CreateAsync();
        var now = world.Clock.GetUtcNow();
        var decisions = Enumerable.Range(0, 1200).Select(_ => RandomDecision(random, now)).ToList();
        var changes = new ChangeSet();
        foreach (var decision in decisions)
        {
            changes.Insert(SlotsCollections.AllocationDecisions, decision.RequestId, decision);
        }
        await world.Sqlite.CommitAsync(changes);

        var today = ManufacturingRun.Today(now);
        var counted = 0;
        foreach (var caller in new[] { Callers.Admin, SlotsWorld.SiteAccount(SlotsWorld.Site), SlotsWorld.SiteAccount(SlotsWorld.OtherSite) })
        {
            for (var i = 0; i < 6; i++)
            {
                var from = today.AddDays(-random.Next(0, 120));
                var to = from.AddDays(random.Next(0, 100));
                var report = await world.GetUrgencyReport.ExecuteAsync(new GetUrgencyReportCommand(DateParts.Of(from), DateParts.Of(to)), caller,
                    CancellationToken.None);
                var site = caller.IsConsortiumAdmin ? null : caller.Org;
                var expected = Recount(decisions.Where(d => DateOnly.FromDateTime(d.DecidedAt.UtcDateTime) is var day && day >= from && day <= to
                    && (site is null || d.SiteId == site)));
                Assert.Equal(expected, report.Institutions);
                counted += expected.Sum(u => u.Requests);
            }
        }
        // Months of more than a page of requests each (1,200 over five months), most of them counted.
        Assert.True(counted > 1000, $"only {counted} request(s) counted");
    }

    /// <summary>The figures from scratch, as the report gave them when it read every request of the span at once (in id order, per month).</summary>
    private static List<UrgencyUse> Recount(IEnumerable<AllocationDecision> decisions) =>
    [
        .. decisions
            .OrderBy(d => Period.Of(DateOnly.FromDateTime(d.DecidedAt.UtcDateTime)), StringComparer.Ordinal).ThenBy(d => d.RequestId, StringComparer.Ordinal)
            .Where(d => d.Urgency != UrgencyClass.Unspecified)
            .GroupBy(d => d.TreatingInstitutionId, StringComparer.Ordinal)
            .Select(g => new UrgencyUse(g.Key, g.Select(d => d.Country).FirstOrDefault(c => c.Length > 0) ?? "",
                g.Count(d => d.Urgency == UrgencyClass.Emergency), g.Count(d => d.Urgency == UrgencyClass.Urgent), g.Count(d => d.Urgency == UrgencyClass.Standard),
                g.Count(d => d.Urgency == UrgencyClass.Emergency && d.BookingId is not null)))
            .OrderByDescending(u => u.Emergency).ThenBy(u => u.InstitutionId, StringComparer.Ordinal),
    ];

    /// <summary>A request made in the last five months (more than a page of them a month), of any urgency (some kept before urgency was), placed at a site or not.</summary>
    private static AllocationDecision RandomDecision(Random random, DateTimeOffset now)
    {
        var decidedAt = now - TimeSpan.FromMinutes(random.Next(0, 150 * 24 * 60));
        var institution = Institutions[random.Next(Institutions.Length)];
        var placed = random.Next(2) == 0;
        return new AllocationDecision(Guid.NewGuid().ToString(), SlotsWorld.NextPseudonym("KZ"), institution, SlotsWorld.Product, decidedAt,
            placed ? Guid.NewGuid().ToString() : null, null, "Decided.", [])
        {
            Urgency = (UrgencyClass)random.Next(0, 4),
            // Requests kept before the country was recorded have none.
            Country = random.Next(5) == 0 ? "" : SlotsWorld.CountryOf(institution),
            SiteId = placed ? (random.Next(2) == 0 ? SlotsWorld.Site : SlotsWorld.OtherSite) : null,
        };
    }

    private static Booking RandomBooking(Random random, DateTimeOffset now, string hospital)
    {
        var country = SlotsWorld.CountryOf(hospital);
        var terms = new HoldTerms(Guid.NewGuid().ToString(), SlotsWorld.Site, SlotsWorld.Product, ManufacturingRun.Today(now).AddDays(30),
            SlotsWorld.NextPseudonym(country), country, hospital);
        var booking = Booking.Hold(Guid.NewGuid().ToString(), terms, TimeSpan.FromHours(48), SlotsWorld.Coordinator(hospital), now);
        var statuses = Enum.GetValues<BookingStatus>();
        return booking with { Status = statuses[random.Next(statuses.Length)] };
    }
}
