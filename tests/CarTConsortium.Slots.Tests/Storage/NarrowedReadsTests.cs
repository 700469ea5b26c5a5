using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.Tests.UseCases;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Slots.Tests.Storage;

/// <summary>
/// Allocation and housekeeping read only what can matter (bookable runs by product and start month, held bookings by
/// due day); on random data they reach exactly the decisions the old reads of everything reached.
/// </summary>
public sealed class NarrowedReadsTests
{
    private static readonly string[] Products = [SlotsWorld.Product, SlotsWorld.OtherProduct];
    private static readonly string[] Sites = [SlotsWorld.Site, SlotsWorld.OtherSite];

    /// <summary>The collections as a release before the narrowed reads declared them: documents written through them lack the new keys.</summary>
    private static readonly Collection<ManufacturingRun> OldRuns = new("capacity",
        (IndexKeys.SiteId, r => r.SiteId), (IndexKeys.ProductId, r => r.ProductId), (IndexKeys.SitePeriod, r => $"{r.SiteId}/{Period.Of(r.RunStart)}"));

    private static readonly Collection<Booking> OldBookings = new("bookings",
        (IndexKeys.CapacityId, b => b.CapacityId), (IndexKeys.Status, b => b.Status.ToString()));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Allocation_offers_exactly_the_runs_the_read_of_every_run_of_the_product_offered(int seed)
    {
        using var world = await SlotsWorld.CreateAsync();
        var random = new Random(seed);
        var now = world.Clock.GetUtcNow();
        await world.Sqlite.CommitAsync(Insert(new ChangeSet(), SlotsCollections.Runs, RandomRuns(random, now, 400)));

        var offered = await CompareCandidatesAsync(world.Services.GetRequiredService<Allocator>(), world.Sqlite, random, now, queries: 60);

        // The comparison is worth something only if the random requests were offered runs.
        Assert.True(offered > 60, $"only {offered} run(s) offered over all requests");
    }

    [Fact]
    public async Task Runs_and_bookings_stored_before_the_new_keys_are_found_once_the_store_has_started_again()
    {
        using var world = await SlotsWorld.CreateAsync();
        var random = new Random(17);
        var now = world.Clock.GetUtcNow();
        var runs = RandomRuns(random, now, 300);
        var bookings = Enumerable.Range(0, 60).Select(i => RandomHold(random, now, i)).ToList();
        await world.Sqlite.CommitAsync(Insert(Insert(new ChangeSet(), OldRuns, runs), OldBookings, bookings));
        Assert.Empty((await world.Sqlite.QueryAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.HeldDue, DueHolds.DueHourOf(bookings[0].Value)!))).Items);

        // What a host does at start: the declared collections' new keys are back-filled.
        var restarted = new SqliteDocumentStore(world.DatabasePath, new OutboxSignal());
        await restarted.PrepareCollectionsAsync(DocumentCollectionsRegistration.DeclaredIn(typeof(SlotsCollections)), CancellationToken.None);

        var offered = await CompareCandidatesAsync(new Allocator(restarted, Microsoft.Extensions.Options.Options.Create(world.Options)), restarted, random, now, queries: 30);
        Assert.True(offered > 30, $"only {offered} run(s) offered over all requests");
        var byDueHour = new List<string>();
        foreach (var hour in bookings.Select(b => DueHolds.DueHourOf(b.Value)!).Distinct())
        {
            byDueHour.AddRange((await restarted.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.HeldDue, hour))).Select(b => b.Id));
        }
        Assert.Equal(bookings.Select(b => b.Id).Order(StringComparer.Ordinal), byDueHour.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Housekeeping_lapses_exactly_the_holds_the_read_of_every_held_booking_found_due(int seed)
    {
        using var world = await SlotsWorld.CreateAsync();
        var random = new Random(seed);
        var start = world.Clock.GetUtcNow();
        var next = 0;
        // Holds made over the last three weeks, many overdue: housekeeping was down, or has never run.
        await StageHoldsAsync(world, Enumerable.Range(0, 150).Select(_ => RandomHold(random, start, next++)));
        var lapsedInAll = 0;
        var narrowRounds = 0;
        for (var round = 0; round < 24; round++)
        {
            // Rounds minutes apart (the job's interval) and days apart (housekeeping down, or a quiet night).
            world.Clock.Advance(TimeSpan.FromMinutes(random.Next(2) == 0 ? random.Next(1, 120) : random.Next(1, 3 * 24 * 60)));
            var now = world.Clock.GetUtcNow();
            // New holds since the last round, made now, and some confirmed meanwhile.
            await StageHoldsAsync(world, Enumerable.Range(0, random.Next(0, 8)).Select(_ => RandomHold(random, now, next++, createdAt: now)));
            await ConfirmSomeAsync(world, random);

            var held = await world.Sqlite.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.Status, nameof(BookingStatus.Held)));
            var due = held.Where(h => h.Value.IsLapsedAt(now)).Select(h => h.Id).Order(StringComparer.Ordinal).ToList();
            var mark = await world.Sqlite.FindAsync(SlotsCollections.HoldSweepMarks, HoldSweepMark.Id);
            var read = await world.LapseDueHolds.ReadHeldAsync(mark?.Value.SweptAt, now, CancellationToken.None);
            Assert.Equal(due, read.Where(h => h.Value.IsLapsedAt(now)).Select(h => h.Id).Order(StringComparer.Ordinal));
            if (!DueHolds.ReadsEveryHold(mark?.Value.SweptAt, now))
            {
                // After the day's first round, only the holds due from the last round's hour to now's are read, not every held booking.
                Assert.All(read, h => Assert.InRange(DueHolds.HourStart(h.Value.HoldExpiresAt!.Value), DueHolds.HourStart(mark!.Value.SweptAt), DueHolds.HourStart(now)));
                narrowRounds++;
            }

            Assert.Equal(due.Count, await world.LapseDueHolds.ExecuteAsync(CancellationToken.None));
            foreach (var id in due)
            {
                Assert.Equal(BookingStatus.Expired, (await world.BookingAsync(id)).Value.Status);
            }
            lapsedInAll += due.Count;
            Assert.Equal(DueHolds.HourStart(now), DueHolds.HourStart((await world.Sqlite.FindAsync(SlotsCollections.HoldSweepMarks, HoldSweepMark.Id))!.Value.SweptAt));
        }
        Assert.True(lapsedInAll > 100, $"only {lapsedInAll} hold(s) lapsed");
        Assert.True(narrowRounds > 3, $"only {narrowRounds} round(s) after a first round of the day");
    }

    [Fact]
    public async Task A_hold_stored_without_its_due_day_by_an_earlier_release_lapses_in_the_next_days_first_round()
    {
        using var world = await SlotsWorld.CreateAsync();
        Assert.Equal(0, await world.LapseDueHolds.ExecuteAsync(CancellationToken.None));
        var now = world.Clock.GetUtcNow();
        var hold = Booking.Hold(Guid.NewGuid().ToString(), new HoldTerms("run-old", "site-old", SlotsWorld.Product, ManufacturingRun.Today(now).AddDays(30),
            SlotsWorld.NextPseudonym("KZ"), "KZ", SlotsWorld.Hospital), TimeSpan.FromMinutes(30), SlotsWorld.Coordinator(SlotsWorld.Hospital), now);
        await StageHoldsAsync(world, [(hold.BookingId, hold)], through: OldBookings);

        world.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await world.LapseDueHolds.ExecuteAsync(CancellationToken.None));
        Assert.Equal(BookingStatus.Expired, (await world.BookingAsync(hold.BookingId)).Value.Status);
    }

    [Fact]
    public void The_months_read_for_a_request_are_bounded_and_none_once_its_window_has_passed()
    {
        var today = new DateOnly(2026, 3, 10);
        Assert.Equal(BookableRuns.NearMonths + 2, BookableRuns.MonthBucketsToRead("p", null, null, today).Count());
        Assert.Equal("p|2026-03 p|2026-04", string.Join(' ', BookableRuns.MonthBucketsToRead("p", null, new DateOnly(2026, 4, 1), today)));
        Assert.Equal("p|2026-05", Assert.Single(BookableRuns.MonthBucketsToRead("p", new DateOnly(2026, 5, 2), new DateOnly(2026, 5, 30), today)));
        Assert.Empty(BookableRuns.MonthBucketsToRead("p", null, new DateOnly(2026, 2, 28), today));
        var far = new ManufacturingRun("r", "s", "p", new DateOnly(2028, 4, 1), 10, 2, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), new DateOnly(2028, 3, 31), "KZ");
        Assert.Equal(("p", (string?)null), (BookableRuns.FarBucketOf(far), BookableRuns.MonthBucketOf(far)));
        var near = far with { RunStart = new DateOnly(2028, 3, 31) };
        Assert.Equal(((string?)null, "p|2028-03"), (BookableRuns.FarBucketOf(near), BookableRuns.MonthBucketOf(near)));
        Assert.Equal(((string?)null, (string?)null), (BookableRuns.FarBucketOf(near with { SiteCountry = "" }), BookableRuns.MonthBucketOf(near with { Status = RunStatus.Closed })));
    }

    [Fact]
    public async Task The_keys_read_on_every_attempt_and_round_are_indexed_at_start()
    {
        using var world = await SlotsWorld.CreateAsync();
        // What the host's store does at start for the declared collections.
        await world.Sqlite.PrepareCollectionsAsync(DocumentCollectionsRegistration.DeclaredIn(typeof(SlotsCollections)), CancellationToken.None);

        await using var connection = new SqliteConnection($"Data Source={world.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'documents_by_%'";
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }
        Assert.Subset(names.ToHashSet(StringComparer.Ordinal), new[] { IndexKeys.BookableMonth, IndexKeys.BookableFar, IndexKeys.HeldDue, IndexKeys.ActiveCapacity,
            IndexKeys.ActiveProductCountry, IndexKeys.SiteRequestPeriod }.Select(key => $"documents_by_{key}").ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Random requests; each offered the same runs, in the same order, as the old read chose. Returns how many runs were offered in all.</summary>
    private static async Task<int> CompareCandidatesAsync(Allocator allocator, IDocumentStore store, Random random, DateTimeOffset now, int queries)
    {
        var offered = 0;
        for (var i = 0; i < queries; i++)
        {
            var product = Products[random.Next(Products.Length)];
            var site = random.Next(3) == 0 ? Sites[random.Next(Sites.Length)] : null;
            var today = ManufacturingRun.Today(now).AddDays(random.Next(0, 400));
            DateOnly? earliest = random.Next(2) == 0 ? today.AddDays(random.Next(-60, 500)) : null;
            DateOnly? latest = random.Next(2) == 0 ? today.AddDays(random.Next(-30, 1200)) : null;

            var every = await store.QueryAllAsync(SlotsCollections.Runs, DocumentQuery.All.WhereKey(IndexKeys.ProductId, product).WhereKey(IndexKeys.SiteId, site));
            var expected = every
                .Where(r => r.Value.IsOpen && r.Value.SiteCountry is { Length: > 0 } && r.Value.RunStart >= today
                    && (earliest is null || r.Value.RunStart >= earliest) && (latest is null || r.Value.RunStart <= latest))
                .OrderBy(r => r.Value.RunStart).ThenBy(r => r.Id, StringComparer.Ordinal)
                .Select(r => r.Id).ToList();
            var candidates = await allocator.CandidatesAsync(product, site, earliest, latest, today, CancellationToken.None);
            Assert.Equal(expected, candidates.Select(r => r.Id));
            offered += expected.Count;
        }
        return offered;
    }

    /// <summary>Runs published over the last three years, mostly for up to 26 months ahead, some years ahead; open or closed, some without a site country.</summary>
    private static List<(string Id, ManufacturingRun Value)> RandomRuns(Random random, DateTimeOffset now, int count) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            var publishedAt = now - TimeSpan.FromMinutes(random.Next(0, 3 * 365 * 24 * 60));
            var start = ManufacturingRun.Today(publishedAt).AddDays(random.Next(5) == 0 ? random.Next(700, 2500) : random.Next(0, 800));
            var id = Guid.NewGuid().ToString();
            return (id, new ManufacturingRun(id, Sites[random.Next(Sites.Length)], Products[random.Next(Products.Length)], start, 10, random.Next(1, 5),
                publishedAt, start.AddDays(-1), random.Next(10) == 0 ? "" : "KZ", random.Next(4) == 0 ? RunStatus.Closed : RunStatus.Open));
        })];

    /// <summary>A hold made up to three weeks before <paramref name="now"/> (or at <paramref name="createdAt"/>), for an hour to two weeks.</summary>
    private static (string Id, Booking Value) RandomHold(Random random, DateTimeOffset now, int number, DateTimeOffset? createdAt = null)
    {
        var made = createdAt ?? now - TimeSpan.FromMinutes(random.Next(0, 21 * 24 * 60));
        // Each hold in a run and ledger of its own, so that its lapse frees exactly its place.
        var terms = new HoldTerms($"run-{number}", $"site-{number}", SlotsWorld.Product, ManufacturingRun.Today(made).AddDays(30),
            SlotsWorld.NextPseudonym("KZ"), "KZ", SlotsWorld.Hospital);
        var booking = Booking.Hold(Guid.NewGuid().ToString(), terms, TimeSpan.FromMinutes(random.Next(60, 14 * 24 * 60)),
            SlotsWorld.Coordinator(SlotsWorld.Hospital), made);
        return (booking.BookingId, booking);
    }

    private static async Task StageHoldsAsync(SlotsWorld world, IEnumerable<(string Id, Booking Value)> holds, Collection<Booking>? through = null)
    {
        var changes = new ChangeSet();
        foreach (var (id, booking) in holds)
        {
            var ledger = PeriodLedger.Empty(booking.SiteId, booking.RunStart).WithRun(booking.CapacityId, 1, open: true).Take(booking.CapacityId, booking.PatientCountry);
            changes.Insert(through ?? SlotsCollections.Bookings, id, booking).Insert(SlotsCollections.PeriodLedgers, ledger.LedgerId, ledger);
        }
        await world.Sqlite.CommitAsync(changes);
    }

    private static async Task ConfirmSomeAsync(SlotsWorld world, Random random)
    {
        var held = await world.Sqlite.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.Status, nameof(BookingStatus.Held)));
        var changes = new ChangeSet();
        foreach (var booking in held.Where(h => !h.Value.IsLapsedAt(world.Clock.GetUtcNow()) && random.Next(10) == 0))
        {
            changes.Update(SlotsCollections.Bookings, booking, booking.Value with { Status = BookingStatus.Confirmed });
        }
        await world.Sqlite.CommitAsync(changes);
    }

    private static ChangeSet Insert<T>(ChangeSet changes, Collection<T> collection, IEnumerable<(string Id, T Value)> documents) where T : class
    {
        foreach (var (id, value) in documents)
        {
            changes.Insert(collection, id, value);
        }
        return changes;
    }
}
