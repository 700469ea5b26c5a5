using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.Tests.UseCases;
using Xunit;

namespace CarTConsortium.Slots.Tests.Storage;

/// <summary>
/// What one RequestRun reads does not grow with the history beside it: the hospital's past bookings and the runs the site
/// published before, none of which can be offered.
/// </summary>
public sealed class HistoryReadsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(SlotsWorld.Site)]
    public async Task One_request_reads_the_same_documents_with_100_and_5000_unrelated_bookings(string? site)
    {
        var (small, smallRunQueries) = await ReadsOfOneRequestAsync(site, pastBookings: 100, pastRuns: 100);
        var (large, largeRunQueries) = await ReadsOfOneRequestAsync(site, pastBookings: 5000, pastRuns: 2000);

        Assert.Equal(small, large);
        Assert.Equal(smallRunQueries, largeRunQueries);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(SlotsWorld.Site)]
    public async Task A_request_reads_runs_by_their_bookable_bucket_alone(string? site)
    {
        var (_, runQueries) = await ReadsOfOneRequestAsync(site, pastBookings: 10, pastRuns: 10);

        // A second key beside the bucket let SQLite's planner take the site's index and walk every run the site ever published.
        Assert.NotEmpty(runQueries);
        Assert.All(runQueries, keys => Assert.True(keys is IndexKeys.BookableMonth or IndexKeys.BookableFar, $"runs read by '{keys}'"));
    }

    /// <summary>
    /// A world with the hospital's <paramref name="pastBookings"/> done with (infused, at the site) and <paramref name="pastRuns"/> runs
    /// the site published that have started, then one run to come: the documents one request for a new patient reads, by collection,
    /// and the keys each of its queries of runs named.
    /// </summary>
    private static async Task<(string Reads, List<string> RunQueries)> ReadsOfOneRequestAsync(string? site, int pastBookings, int pastRuns)
    {
        using var world = await SlotsWorld.CreateAsync();
        var now = world.Clock.GetUtcNow();
        var today = ManufacturingRun.Today(now);
        var history = new ChangeSet();
        for (var i = 0; i < pastRuns; i++)
        {
            // Before this month: the current month's bucket holds the runs of its days gone by too, a month's runs at most.
            var start = Period.Start(today).AddDays(-1 - (i % 900));
            var id = $"past-run-{i}";
            // Published two months ahead, as sites do: a run published more than two years ahead stays in its product's far bucket.
            var published = new DateTimeOffset(start.AddDays(-60).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            history.Insert(SlotsCollections.Runs, id, new ManufacturingRun(id, SlotsWorld.Site, SlotsWorld.Product, start, 10, 2,
                published, start.AddDays(-1), "KZ", RunStatus.Open));
        }
        for (var i = 0; i < pastBookings; i++)
        {
            var made = now.AddDays(-40 - (i % 900));
            var terms = new HoldTerms($"past-run-{i % Math.Max(1, pastRuns)}", SlotsWorld.Site, SlotsWorld.Product, ManufacturingRun.Today(made).AddDays(30),
                SlotsWorld.NextPseudonym("KZ"), "KZ", SlotsWorld.Hospital);
            var booking = Booking.Hold(Guid.NewGuid().ToString(), terms, TimeSpan.FromHours(48), SlotsWorld.Coordinator(SlotsWorld.Hospital), made);
            history.Insert(SlotsCollections.Bookings, booking.BookingId, booking with { Status = BookingStatus.Infused, HoldExpiresAt = null });
        }
        await world.Sqlite.CommitAsync(history);
        await world.PublishAsync(lines: 2);
        var pseudonym = await world.EnrolAsync();

        world.Store.ResetReads();
        var outcome = await world.RequestAsync(pseudonym, site: site);

        Assert.NotNull(outcome.Booking);
        var reads = string.Join(", ", world.Store.DocumentsRead().OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}: {r.Value}"));
        return (reads, [.. world.Store.QueriesOf(SlotsCollections.Runs).Select(q => string.Join('+', q.Where.Keys.Order(StringComparer.Ordinal)))]);
    }
}
