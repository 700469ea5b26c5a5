using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Slots;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Institutions;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Writes slots' history straight into its store with slots' own domain types: runs of the benchmark's
/// product at the three demo sites from three years back to two months ahead, each period's ledger
/// counting exactly the places the bookings take, the Astana hub's bookings at every step of their
/// lifecycle (each step taken through <see cref="Booking.Advance"/>), each patient's claim, and the hub's
/// hold guard. Slots' copy of every registry patient (<see cref="KnownPatient"/>) is written by
/// <see cref="KnownPatientOf"/>, as the registry's enrolment events would have left it.
/// </summary>
public sealed class SlotsSeed
{
    public const int RunDays = 14;

    /// <summary>How far back the seeded runs start, and how far ahead the last one starts.</summary>
    public const int HistoryDays = 3 * 365;
    public const int AheadDays = 60;

    public const int MaxLinesPerRun = ManufacturingRun.MaxLines;

    private static readonly (string Site, string Country)[] Sites = [(Identities.SiteId, "KZ"), ("uz-tashkent-cell-lab", "UZ"), ("kg-bishkek-cell-lab", "KG")];

    private static readonly Caller Hospital = new("scale-seed:" + Identities.Hospital.ClientId, Identities.Hospital.ClientId, Identities.Country, Identities.HospitalId,
        new HashSet<string> { Roles.HospitalCoordinator });

    private readonly DateTimeOffset _now;
    private readonly DateOnly _today;
    private readonly TimeSpan _holdFor = new SlotsOptions().HoldTime;
    private readonly Random _random;
    private readonly Dictionary<string, PeriodLedger> _ledgers = [];
    private readonly List<ManufacturingRun> _runs = [];

    public SlotsSeed(DateTimeOffset now, int seed)
    {
        _now = now;
        _today = ManufacturingRun.Today(now);
        _random = new Random(seed);
    }

    /// <summary>
    /// The most bookings of the hub the seeding leaves holding a place (held to shipped): a hospital has a few dozen under way, never
    /// its history, and slots' hold limit (at most <see cref="HoldLimit"/>) must leave room for the measured requests' holds.
    /// </summary>
    public const int MaxActiveBookings = 200;

    /// <summary>The highest Slots:InstitutionLimits:MaxActive and MaxUnconfirmed slots accepts; the benchmark runs with it.</summary>
    public const int HoldLimit = 1000;

    /// <summary>Runs that started this many days ago or later still have the cells in manufacturing, or are to come.</summary>
    private const int UnderWayDays = 45;

    /// <summary>Slots' copy of a registry patient, as PatientEnrolled would have left it (revision 1: the enrolment's).</summary>
    public static KnownPatient KnownPatientOf(PatientRecord record) => new(record.Pseudonym, record.CountryCode, record.TreatingInstitutionId, InRegistry: true,
        record.Consents.SharedAcrossBorders, record.ConsentsChangedAt, record.BirthYear, record.BirthMonth, ConsentsRevision: 1);

    /// <summary>
    /// Writes <paramref name="runs"/> runs and their ledgers, then a booking for each of <paramref name="hubPatients"/>, in batches: up to
    /// <see cref="MaxActiveBookings"/> (one in twenty) in runs under way or to come, the rest in past runs, done with.
    /// </summary>
    /// <returns>The lines of every run.</returns>
    /// <exception cref="InvalidOperationException">The bookings do not fit in runs of at most <see cref="MaxLinesPerRun"/> lines.</exception>
    public async Task<int> WriteAsync(IDocumentStore store, int runs, IReadOnlyList<string> hubPatients, CancellationToken ct)
    {
        var starts = Enumerable.Range(0, runs).Select(r => _today.AddDays(-HistoryDays + (int)((long)r * (HistoryDays + AheadDays) / Math.Max(1, runs - 1)))).ToList();
        var underWaySince = _today.AddDays(-UnderWayDays);
        var pastRuns = starts.Count(s => s < underWaySince);
        var active = pastRuns == runs ? 0 : Math.Min(MaxActiveBookings, hubPatients.Count / 20);
        var lines = Math.Max(Ceiling(active, runs - pastRuns), Ceiling(hubPatients.Count - active, pastRuns));
        if (lines > MaxLinesPerRun)
        {
            throw new InvalidOperationException($"{hubPatients.Count} bookings need runs of {lines} lines over {runs} runs; a run has at most {MaxLinesPerRun}: seed more runs.");
        }
        var batch = new StoreBatch(store);
        for (var r = 0; r < runs; r++)
        {
            var (site, country) = Sites[r % Sites.Length];
            var publishedAt = Noon(starts[r].AddDays(-60));
            var run = new ManufacturingRun(Guid.CreateVersion7(publishedAt).ToString(), site, Identities.ProductId, starts[r], RunDays, Math.Max(1, lines), publishedAt,
                starts[r].AddDays(-1), country);
            _runs.Add(run);
            await batch.InsertAsync(SlotsCollections.Runs, run.CapacityId, run, ct);
            Ledger(run, l => l.WithRun(run.CapacityId, run.Lines, open: true, run.ApheresisCutoff));
        }

        var bookings = new List<Booking>(hubPatients.Count);
        for (var k = 0; k < hubPatients.Count; k++)
        {
            var run = k < active ? _runs[pastRuns + (k % (runs - pastRuns))] : _runs[(k - active) % pastRuns];
            var booking = BookingOf(run, hubPatients[k]);
            bookings.Add(booking);
            if (booking.Status is not (BookingStatus.Cancelled or BookingStatus.Expired))
            {
                // The line stays used once manufactured: only a cancelled or lapsed booking gives its place back.
                Ledger(run, l => l.Take(run.CapacityId, booking.PatientCountry));
            }
        }
        // In the order of their ids, as the patients (RegistrySeed): the B-trees grow at their end, not all over a file of gigabytes.
        foreach (var booking in bookings.OrderBy(b => b.BookingId, StringComparer.Ordinal))
        {
            await batch.InsertAsync(SlotsCollections.Bookings, booking.BookingId, booking, ct);
        }
        foreach (var booking in bookings.OrderBy(b => b.Pseudonym, StringComparer.Ordinal))
        {
            await batch.InsertAsync(SlotsCollections.PatientClaims, booking.Pseudonym,
                new PatientClaim(booking.Pseudonym, booking.IsActive ? booking.BookingId : null, null), ct);
        }
        foreach (var ledger in _ledgers.Values)
        {
            await batch.InsertAsync(SlotsCollections.PeriodLedgers, ledger.LedgerId, ledger, ct);
        }
        if (hubPatients.Count > 0)
        {
            await batch.InsertAsync(SlotsCollections.InstitutionHoldGuards, Identities.HospitalId, new InstitutionHoldGuard(Identities.HospitalId, hubPatients.Count), ct);
        }
        await batch.FlushAsync(ct);
        return _runs[0].Lines;
    }

    private static int Ceiling(int items, int bins) => items == 0 ? 0 : (items + bins - 1) / bins;

    private void Ledger(ManufacturingRun run, Func<PeriodLedger, PeriodLedger> change)
    {
        var id = PeriodLedger.IdOf(run.SiteId, run.RunStart);
        _ledgers[id] = change(_ledgers.GetValueOrDefault(id) ?? PeriodLedger.Empty(run.SiteId, run.RunStart));
    }

    /// <summary>
    /// A past run's booking went all the way (most infused; some cancelled before apheresis, a few failed in manufacturing);
    /// a run under way has the cells in manufacturing; a coming run's booking is confirmed or still held.
    /// </summary>
    private Booking BookingOf(ManufacturingRun run, string pseudonym)
    {
        var site = new Caller($"scale-seed:{run.SiteId}-mes", $"{run.SiteId}-mes", run.SiteCountry, run.SiteId, new HashSet<string> { Roles.ManufacturingSite });
        var start = run.RunStart;
        var roll = _random.NextDouble();
        if (start > _today)
        {
            // Recent holds, so none lapses while the benchmark runs.
            var held = Hold(run, pseudonym, _now.AddHours(-2 - (roll * 20)));
            return roll < 0.7 ? held.Advance(BookingStatus.Confirmed, Hospital, null, held.CreatedAt.AddHours(1)) : held;
        }
        var booking = Hold(run, pseudonym, Noon(start.AddDays(-40)))
            .Advance(BookingStatus.Confirmed, Hospital, null, Noon(start.AddDays(-39)));
        if (start >= _today.AddDays(-UnderWayDays))
        {
            return Through(booking, [(BookingStatus.ApheresisShipped, Hospital, -3), (BookingStatus.ApheresisReceived, site, -2), (BookingStatus.InManufacturing, site, 0)], start);
        }
        if (roll < 0.10)
        {
            return booking.Advance(BookingStatus.Cancelled, Hospital, "the patient's condition changed", Noon(start.AddDays(-10)));
        }
        booking = Through(booking, [(BookingStatus.ApheresisShipped, Hospital, -3), (BookingStatus.ApheresisReceived, site, -2), (BookingStatus.InManufacturing, site, 0)], start);
        return roll < 0.15
            ? booking.Advance(BookingStatus.ManufacturingFailed, site, "out of specification", Noon(start.AddDays(RunDays)))
            : Through(booking, [(BookingStatus.Released, site, RunDays), (BookingStatus.Shipped, site, RunDays + 1), (BookingStatus.Infused, Hospital, RunDays + 3)], start);
    }

    private Booking Hold(ManufacturingRun run, string pseudonym, DateTimeOffset at)
    {
        var terms = new HoldTerms(run.CapacityId, run.SiteId, run.ProductId, run.RunStart, pseudonym, Identities.Country, Identities.HospitalId)
        {
            Indication = Identities.Indication,
            RequestId = Guid.CreateVersion7(at).ToString(),
            SiteCountry = run.SiteCountry,
        };
        // Qualified: the top-level function Booking of Program.cs hides the type's name in this assembly.
        return Slots.Domain.Bookings.Booking.Hold(Guid.CreateVersion7(at).ToString(), terms, _holdFor, Hospital, at);
    }

    private static Booking Through(Booking booking, (BookingStatus To, Caller By, int DaysFromStart)[] steps, DateOnly start)
    {
        foreach (var (to, by, days) in steps)
        {
            booking = booking.Advance(to, by, null, Noon(start.AddDays(days)));
        }
        return booking;
    }

    private static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
}
