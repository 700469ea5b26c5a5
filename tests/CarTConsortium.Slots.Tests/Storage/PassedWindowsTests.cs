using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.Tests.UseCases;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Waitlist;
using CarTConsortium.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using WaitlistChanged = CarTConsortium.Contracts.Slots.V1.WaitlistChanged;

namespace CarTConsortium.Slots.Tests.Storage;

/// <summary>
/// Waiting entries whose window has passed are closed by housekeeping, found by the day their window passed: on random
/// waitlists over many rounds, exactly the entries a read of every waiting entry finds passed, and after the first round
/// only those.
/// </summary>
public sealed class PassedWindowsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Housekeeping_closes_exactly_the_entries_a_read_of_every_waiting_entry_finds_passed(int seed)
    {
        using var world = await SlotsWorld.CreateAsync();
        var lapse = world.Services.GetRequiredService<LapsePassedWindows>();
        var random = new Random(seed);
        await StageAsync(world, random, 150, joinedBefore: TimeSpan.FromDays(60));
        var closedInAll = 0;
        var narrowRounds = 0;
        for (var round = 0; round < 20; round++)
        {
            // Rounds minutes apart (the job's interval) and days apart (housekeeping down, or a quiet night).
            world.Clock.Advance(TimeSpan.FromMinutes(random.Next(2) == 0 ? random.Next(1, 180) : random.Next(1, 4 * 24 * 60)));
            var today = ManufacturingRun.Today(world.Clock.GetUtcNow());
            // Entries joining now, some with their window passed already, and some withdrawn meanwhile.
            await StageAsync(world, random, random.Next(0, 8), joinedBefore: TimeSpan.Zero);
            await WithdrawSomeAsync(world, random);

            var waiting = await world.EntriesAsync(WaitlistStatus.Waiting);
            var passed = waiting.Where(e => e.Value.LatestStart < today).Select(e => e.Id).Order(StringComparer.Ordinal).ToList();
            var mark = await world.Sqlite.FindAsync(SlotsCollections.WaitlistSweepMarks, WaitlistSweepMark.Id);
            var read = await lapse.ReadDueAsync(mark?.Value.SweptThrough, today, CancellationToken.None);
            Assert.Equal(passed, read.Where(e => WaitingEntries.HasLapsedOn(e.Value, today)).Select(e => e.Id).Order(StringComparer.Ordinal));
            if (!WaitingEntries.ReadsEveryEntry(mark?.Value.SweptThrough, today))
            {
                // After the first round, only the entries due from the last round's day to today are read: exactly the passed ones.
                Assert.Equal(passed, read.Select(e => e.Id).Order(StringComparer.Ordinal));
                Assert.True(read.Count < waiting.Count, $"read {read.Count} of {waiting.Count} waiting entries");
                narrowRounds++;
            }

            Assert.Equal(passed.Count, await lapse.ExecuteAsync(CancellationToken.None));
            foreach (var id in passed)
            {
                var entry = await world.EntryAsync(id);
                Assert.Equal(WaitlistStatus.Closed, entry.Status);
                Assert.Contains("window passed", entry.ClosedReason, StringComparison.Ordinal);
                Assert.Null((await world.ClaimAsync(entry.Pseudonym))!.OpenEntryId);
            }
            closedInAll += passed.Count;
            Assert.Equal(today, (await world.Sqlite.FindAsync(SlotsCollections.WaitlistSweepMarks, WaitlistSweepMark.Id))!.Value.SweptThrough);
        }
        Assert.True(closedInAll > 40, $"only {closedInAll} entry(ies) closed");
        Assert.True(narrowRounds > 10, $"only {narrowRounds} round(s) after the first");
        Assert.Equal(closedInAll, (await world.RaisedAsync<WaitlistChanged>()).Count(e => e.Change == "closed" && e.Entry.ClosedReason.Contains("window passed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_hospital_is_told_its_patients_window_passed_and_may_ask_again()
    {
        using var world = await SlotsWorld.CreateAsync();
        var pseudonym = await world.EnrolAsync();
        var latest = ManufacturingRun.Today(world.Clock.GetUtcNow()).AddDays(5);
        var asked = await world.RequestRun.ExecuteAsync(new RequestRunCommand(pseudonym, SlotsWorld.Product, SlotsWorld.Indication, UrgencyClass.Standard,
            SlotsWorld.Hospital, LatestStart: DateParts.Of(latest)), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);
        var entry = Assert.IsType<Stored<WaitlistEntry>>(asked.Entry);
        Assert.Equal((0, 0), await world.Housekeeping.RunOnceAsync(CancellationToken.None));

        world.Clock.Advance(TimeSpan.FromDays(5));
        await world.Housekeeping.RunOnceAsync(CancellationToken.None);
        Assert.Equal(WaitlistStatus.Waiting, (await world.EntryAsync(entry.Id)).Status);

        world.Clock.Advance(TimeSpan.FromDays(1));
        await world.Housekeeping.RunOnceAsync(CancellationToken.None);
        var closed = await world.EntryAsync(entry.Id);
        Assert.Equal(WaitlistStatus.Closed, closed.Status);
        Assert.Equal($"its window passed: no run could start by its latest start, {latest:yyyy-MM-dd}; the hospital may ask again", closed.ClosedReason);
        Assert.Null((await world.ClaimAsync(pseudonym))!.OpenEntryId);
        // The claim is free: the hospital asks again, and the patient joins the waitlist anew.
        var again = await world.WaitAsync(pseudonym);
        Assert.NotEqual(entry.Id, again.Id);
    }

    [Fact]
    public async Task Entries_stored_before_the_new_keys_are_found_once_the_store_has_started_again()
    {
        using var world = await SlotsWorld.CreateAsync();
        var old = new Collection<WaitlistEntry>("waitlist",
            (IndexKeys.ProductId, e => e.ProductId), (IndexKeys.Status, e => e.Status.ToString()), (IndexKeys.TreatingInstitution, e => e.TreatingInstitutionId));
        var now = world.Clock.GetUtcNow();
        var entries = WaitlistReadsTests.RandomEntries(new Random(7), now, WaitlistReadsTests.RandomPatients(new Random(7), now, 40), 60);
        var changes = new ChangeSet();
        foreach (var entry in entries)
        {
            changes.Insert(old, entry.EntryId, entry);
        }
        await world.Sqlite.CommitAsync(changes);
        Assert.Empty((await world.Sqlite.QueryAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey(IndexKeys.WaitingProduct, SlotsWorld.Product))).Items);

        // What a host does at start: the declared collections' new keys are back-filled.
        var restarted = new SqliteDocumentStore(world.DatabasePath, new OutboxSignal());
        await restarted.PrepareCollectionsAsync(DocumentCollectionsRegistration.DeclaredIn(typeof(SlotsCollections)), CancellationToken.None);

        var waiting = entries.Where(e => e.Status == WaitlistStatus.Waiting).ToList();
        var byProduct = new List<string>();
        var byLatest = new List<string>();
        var byDue = new List<string>();
        foreach (var product in new[] { SlotsWorld.Product, SlotsWorld.OtherProduct })
        {
            byProduct.AddRange((await restarted.QueryAllAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey(IndexKeys.WaitingProduct, product))).Select(e => e.Id));
        }
        foreach (var bucket in waiting.Select(e => WaitingEntries.LatestBucketOf(e)!).Distinct())
        {
            byLatest.AddRange((await restarted.QueryAllAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey(IndexKeys.WaitingLatest, bucket))).Select(e => e.Id));
        }
        foreach (var day in waiting.Select(WaitingEntries.DueDayOf).OfType<string>().Distinct())
        {
            byDue.AddRange((await restarted.QueryAllAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey(IndexKeys.WaitingDue, day))).Select(e => e.Id));
        }
        Assert.Equal(waiting.Select(e => e.EntryId).Order(StringComparer.Ordinal), byProduct.Order(StringComparer.Ordinal));
        Assert.Equal(waiting.Select(e => e.EntryId).Order(StringComparer.Ordinal), byLatest.Order(StringComparer.Ordinal));
        Assert.Equal(waiting.Where(e => e.LatestStart is not null).Select(e => e.EntryId).Order(StringComparer.Ordinal), byDue.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_buckets_of_an_entry_follow_its_window_and_none_once_it_no_longer_waits()
    {
        var joined = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var entry = new WaitlistEntry("e", "p", "KZ", "h", "prod", UrgencyClass.Standard, joined, false, LatestStart: new DateOnly(2026, 5, 31));
        Assert.Equal(("prod", "prod|2026-05", "2026-06-01"), (WaitingEntries.ProductOf(entry), WaitingEntries.LatestBucketOf(entry), WaitingEntries.DueDayOf(entry)));
        // Joined with its window passed already: due the day it joined.
        Assert.Equal("2026-03-10", WaitingEntries.DueDayOf(entry with { LatestStart = new DateOnly(2026, 2, 1) }));
        Assert.Equal(("prod|open", (string?)null), (WaitingEntries.LatestBucketOf(entry with { LatestStart = null }), WaitingEntries.DueDayOf(entry with { LatestStart = null })));
        Assert.Equal("prod|far", WaitingEntries.LatestBucketOf(entry with { LatestStart = new DateOnly(2028, 4, 1) }));
        Assert.Equal("prod|2028-03", WaitingEntries.LatestBucketOf(entry with { LatestStart = new DateOnly(2028, 3, 31) }));
        var offered = entry with { Status = WaitlistStatus.Offered };
        Assert.Equal(((string?)null, (string?)null, (string?)null), (WaitingEntries.ProductOf(offered), WaitingEntries.LatestBucketOf(offered), WaitingEntries.DueDayOf(offered)));

        var today = new DateOnly(2026, 3, 10);
        var buckets = WaitingEntries.LatestBucketsToRead("prod", new DateOnly(2026, 6, 15), today).ToList();
        Assert.Equal(["prod|2026-06", "prod|far", "prod|open"], [buckets[0], buckets[^2], buckets[^1]]);
        Assert.Equal("prod|2028-04", buckets[^3]);
        Assert.Equal(["2026-03-08", "2026-03-09", "2026-03-10"], WaitingEntries.DueDaysToRead(new DateOnly(2026, 3, 8), today));
        Assert.Equal(["2026-03-10"], WaitingEntries.DueDaysToRead(new DateOnly(2026, 3, 12), today));
        Assert.True(WaitingEntries.ReadsEveryEntry(null, today));
        Assert.True(WaitingEntries.ReadsEveryEntry(today.AddDays(-WaitingEntries.MaxDaysToRead - 1), today));
        Assert.False(WaitingEntries.ReadsEveryEntry(today.AddDays(-WaitingEntries.MaxDaysToRead), today));
    }

    /// <summary>Entries of new patients, each with its claim; windows from three weeks passed to six weeks ahead, some without one.</summary>
    private static async Task StageAsync(SlotsWorld world, Random random, int count, TimeSpan joinedBefore)
    {
        var now = world.Clock.GetUtcNow();
        var today = ManufacturingRun.Today(now);
        var changes = new ChangeSet();
        foreach (var patient in WaitlistReadsTests.RandomPatients(random, now, count))
        {
            var joinedAt = now - TimeSpan.FromMinutes(random.Next(0, (int)joinedBefore.TotalMinutes + 1));
            var entry = new WaitlistEntry(Guid.CreateVersion7(joinedAt).ToString(), patient.Pseudonym, patient.CountryCode, patient.TreatingInstitutionId,
                SlotsWorld.Product, UrgencyClass.Standard, joinedAt, false, LatestStart: random.Next(6) == 0 ? null : today.AddDays(random.Next(-21, 42)));
            changes.Insert(SlotsCollections.KnownPatients, patient.Pseudonym, patient)
                .Insert(SlotsCollections.Waitlist, entry.EntryId, entry)
                .Insert(SlotsCollections.PatientClaims, patient.Pseudonym, new PatientClaim(patient.Pseudonym, null, entry.EntryId));
        }
        await world.Sqlite.CommitAsync(changes);
    }

    private static async Task WithdrawSomeAsync(SlotsWorld world, Random random)
    {
        var changes = new ChangeSet();
        foreach (var entry in (await world.EntriesAsync(WaitlistStatus.Waiting)).Where(_ => random.Next(15) == 0))
        {
            changes.Update(SlotsCollections.Waitlist, entry, entry.Value with { Status = WaitlistStatus.Closed, ClosedReason = "withdrawn by the hospital" });
        }
        await world.Sqlite.CommitAsync(changes);
    }
}
