using System.Globalization;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.Tests.UseCases;
using CarTConsortium.Slots.UseCases.Waitlist;
using CarTConsortium.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Slots.Tests.Storage;

/// <summary>
/// A round of offers reads only the waiting entries that want a run with a place free; on random waitlists and runs it
/// makes exactly the offers (same entries, same runs, same summaries) that a round over every waiting entry made.
/// </summary>
public sealed class WaitlistReadsTests
{
    private static readonly string[] Products = [SlotsWorld.Product, SlotsWorld.OtherProduct];
    private static readonly string[] Sites = [SlotsWorld.Site, SlotsWorld.OtherSite];
    private static readonly string[] Hospitals = [SlotsWorld.Hospital, SlotsWorld.OtherHospital, SlotsWorld.KgHospital];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task A_round_offers_exactly_what_a_round_over_every_waiting_entry_offered(int seed)
    {
        using var narrowed = await SlotsWorld.CreateAsync();
        using var everything = await SlotsWorld.CreateAsync();
        var random = new Random(seed);
        var now = narrowed.Clock.GetUtcNow();
        var patients = RandomPatients(random, now, 70);
        var entries = RandomEntries(random, now, patients, 120);
        var runs = RandomRuns(random, now, 40);
        foreach (var world in new[] { narrowed, everything })
        {
            await world.Sqlite.CommitAsync(await StageAsync(world.Sqlite, patients, entries, runs));
        }

        var offered = 0;
        for (var round = 0; round < 2; round++)
        {
            var today = ManufacturingRun.Today(narrowed.Clock.GetUtcNow());
            var waiting = await narrowed.EntriesAsync(WaitlistStatus.Waiting);
            var turns = await narrowed.Services.GetRequiredService<WaitlistQueue>().TurnsAsync(today, CancellationToken.None);
            // The round reads fewer entries than are waiting: those that want no run with room get no turn.
            Assert.InRange(turns.Count, 0, waiting.Count - 1);

            var narrowedOffers = await narrowed.OfferFreedPlaces.ExecuteAsync(CancellationToken.None);
            var everyOffers = await everything.OfferFreedPlaces.OfferInTurnAsync(await TurnsOverEveryEntryAsync(everything), CancellationToken.None);

            Assert.Equal(everyOffers, narrowedOffers);
            Assert.Equal(await OutcomeAsync(everything), await OutcomeAsync(narrowed));
            offered += narrowedOffers;

            // More places open a few days later: a second round over what the first left waiting.
            var more = RandomRuns(random, now, 12);
            foreach (var world in new[] { narrowed, everything })
            {
                world.Clock.Advance(TimeSpan.FromDays(3));
                await world.Sqlite.CommitAsync(await StageAsync(world.Sqlite, [], [], more));
            }
        }
        // The comparison is worth something only if offers were made.
        Assert.True(offered >= 3, $"only {offered} offer(s) made");
    }

    /// <summary>How the round took the waitlist before: every waiting entry, product by product in the order of the oldest entry, each in the product's whole order.</summary>
    private static async Task<List<WaitlistTurn>> TurnsOverEveryEntryAsync(SlotsWorld world)
    {
        var waiting = await world.Sqlite.QueryAllAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey(IndexKeys.Status, nameof(WaitlistStatus.Waiting)));
        var turns = new List<WaitlistTurn>();
        foreach (var product in waiting.GroupBy(e => e.Value.ProductId, StringComparer.Ordinal))
        {
            var line = WaitlistOrder.Rank(product.Select(e => e.Value)).Select(r => r.Entry).ToList();
            turns.AddRange(line.Select((_, index) => new WaitlistTurn(line, index, _ => Task.FromResult(index + 1))));
        }
        return turns;
    }

    /// <summary>Every entry's status and the run it was offered, and every decision's summary.</summary>
    private static async Task<string> OutcomeAsync(SlotsWorld world)
    {
        var lines = new List<string>();
        foreach (var entry in await world.Sqlite.QueryAllAsync(SlotsCollections.Waitlist, DocumentQuery.All))
        {
            var run = entry.Value.OfferedBookingId is { } bookingId ? (await world.BookingAsync(bookingId)).Value.CapacityId : "-";
            lines.Add($"{entry.Id} {entry.Value.Status} {run}");
        }
        foreach (var decision in await world.Sqlite.QueryAllAsync(SlotsCollections.AllocationDecisions, DocumentQuery.All))
        {
            lines.Add($"{decision.Id} {decision.Value.SiteId} {decision.Value.Summary}");
        }
        return string.Join('\n', lines);
    }

    internal static List<KnownPatient> RandomPatients(Random random, DateTimeOffset now, int count) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            var hospital = Hospitals[random.Next(Hospitals.Length)];
            var country = SlotsWorld.CountryOf(hospital);
            return new KnownPatient(SlotsWorld.NextPseudonym(country), country, hospital, InRegistry: random.Next(15) != 0, SharedAcrossBorders: random.Next(2) == 0,
                now, 2016, 5);
        })];

    /// <summary>Entries that joined over the last two months, of every urgency, some at one site or in a window (some passed), a few no longer waiting.</summary>
    internal static List<WaitlistEntry> RandomEntries(Random random, DateTimeOffset now, IReadOnlyList<KnownPatient> patients, int count)
    {
        var today = ManufacturingRun.Today(now);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var patient = patients[random.Next(patients.Count)];
            var joinedAt = now - TimeSpan.FromMinutes(random.Next(1, 60 * 24 * 60));
            DateOnly? earliest = random.Next(3) == 0 ? today.AddDays(random.Next(-10, 200)) : null;
            DateOnly? latest = random.Next(2) == 0 ? today.AddDays(random.Next(-20, 900)) : null;
            if (earliest > latest)
            {
                (earliest, latest) = (latest, earliest);
            }
            return new WaitlistEntry(Guid.CreateVersion7(joinedAt).ToString(), patient.Pseudonym, patient.CountryCode, patient.TreatingInstitutionId,
                Products[random.Next(Products.Length)], (UrgencyClass)random.Next(1, 4), joinedAt, random.Next(10) == 0,
                random.Next(12) == 0 ? WaitlistStatus.Closed : WaitlistStatus.Waiting, RequestId: Guid.NewGuid().ToString(),
                SiteId: random.Next(4) == 0 ? Sites[random.Next(Sites.Length)] : null, EarliestStart: earliest, LatestStart: latest, Indication: SlotsWorld.Indication,
                Draw: random.Next(6) == 0 ? "" : random.Next().ToString("x8", CultureInfo.InvariantCulture), DrawPeriod: Period.Of(today));
        })];
    }

    /// <summary>Runs starting from last week to over two years ahead, a few closed, each with some of its lines taken already.</summary>
    private static List<(ManufacturingRun Run, int Taken)> RandomRuns(Random random, DateTimeOffset now, int count) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            var start = ManufacturingRun.Today(now).AddDays(random.Next(-7, 800));
            var lines = random.Next(1, 4);
            var id = Guid.NewGuid().ToString();
            var run = new ManufacturingRun(id, Sites[random.Next(Sites.Length)], Products[random.Next(Products.Length)], start, 12, lines,
                now - TimeSpan.FromDays(random.Next(0, 30)), start.AddDays(-1), "KZ", random.Next(8) == 0 ? RunStatus.Closed : RunStatus.Open);
            return (run, random.Next(0, lines + 1));
        })];

    private static async Task<ChangeSet> StageAsync(SqliteDocumentStore store, IEnumerable<KnownPatient> patients, IEnumerable<WaitlistEntry> entries,
        IEnumerable<(ManufacturingRun Run, int Taken)> runs)
    {
        var changes = new ChangeSet();
        foreach (var patient in patients)
        {
            changes.Insert(SlotsCollections.KnownPatients, patient.Pseudonym, patient);
        }
        foreach (var entry in entries)
        {
            var decision = new AllocationDecision(entry.RequestId, entry.Pseudonym, entry.TreatingInstitutionId, entry.ProductId, entry.JoinedAt, null, entry.EntryId,
                "Joined the waitlist.", [])
            { Urgency = entry.Urgency, Country = entry.PatientCountry };
            changes.Insert(SlotsCollections.Waitlist, entry.EntryId, entry).Insert(SlotsCollections.AllocationDecisions, entry.RequestId, decision);
        }
        // One ledger per site and month, every run of it with its places taken.
        foreach (var period in runs.GroupBy(r => PeriodLedger.IdOf(r.Run.SiteId, r.Run.RunStart), StringComparer.Ordinal))
        {
            var stored = await store.FindAsync(SlotsCollections.PeriodLedgers, period.Key);
            var ledger = stored?.Value ?? PeriodLedger.Empty(period.First().Run.SiteId, period.First().Run.RunStart);
            foreach (var (run, taken) in period)
            {
                changes.Insert(SlotsCollections.Runs, run.CapacityId, run);
                ledger = ledger.WithRun(run.CapacityId, run.Lines, run.IsOpen, run.ApheresisCutoff);
                for (var i = 0; i < taken && run.IsOpen; i++)
                {
                    ledger = ledger.Take(run.CapacityId, "KZ");
                }
            }
            if (stored is null)
            {
                changes.Insert(SlotsCollections.PeriodLedgers, ledger.LedgerId, ledger);
            }
            else
            {
                changes.Update(SlotsCollections.PeriodLedgers, stored, ledger);
            }
        }
        return changes;
    }
}
